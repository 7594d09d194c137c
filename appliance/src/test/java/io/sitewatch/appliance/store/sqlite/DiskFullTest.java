package io.sitewatch.appliance.store.sqlite;

import static io.sitewatch.appliance.store.sqlite.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.signal.Identity;
import io.sitewatch.appliance.signal.SessionJournal.SessionRecord;
import io.sitewatch.appliance.signal.SessionJournal.Snapshot;
import io.sitewatch.appliance.store.StoreException;
import io.sitewatch.appliance.store.StoredEvent;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database that cannot grow (SQLITE_FULL, as on a full disk; simulated with {@code max_page_count}): the write
 * fails as {@link StoreException.Full}, and what was written behind waits for room instead of being lost.
 */
class DiskFullTest {

    private static final String DETAIL = "x".repeat(2000);

    @TempDir
    Path dir;
    SqlWriter writer;
    ReadPool readers;
    WriteBehind writeBehind;
    SqliteEvents events;
    SqliteJournal journal;

    /** No background thread: only flush() writes, so each pass is the test's. */
    @BeforeEach
    void open() throws SQLException {
        Path file = dir.resolve("sitewatch.db");
        SqlConnection connection = SqlConnection.openWriter(file);
        Migrations.migrate(connection, file, Migrations.builtIn());
        writer = new SqlWriter(connection, file, 4L << 20);
        readers = ReadPool.open(file, 1);
        writeBehind = new WriteBehind(writer, Duration.ofHours(1));
        events = new SqliteEvents(writer, readers, writeBehind, 1000, 500);
        journal = new SqliteJournal(readers, writeBehind, Clock.fixed(T0, ZoneOffset.UTC));
        writeBehind.register(events);
        writeBehind.register(journal);
    }

    @AfterEach
    void close() {
        diskFull(false);
        writeBehind.close();
        readers.close();
        writer.close();
    }

    private void diskFull(boolean full) {
        writer.transaction("set the page limit", c -> {
            long limit = full ? c.queryLong("PRAGMA page_count") : 1L << 30;
            c.execute("PRAGMA max_page_count = " + limit);
            return null;
        });
    }

    @Test
    void aWriteTheDiskCannotHoldFailsAsFullAndKeepsNothing() {
        diskFull(true);
        assertThatThrownBy(() -> writer.transaction("add events", c -> {
            PreparedStatement insert = c.prepare("INSERT INTO events (at, kind, detail) VALUES (1, 'k', ?)");
            for (int i = 0; i < 100; i++) {
                insert.setString(1, DETAIL);
                insert.executeUpdate();
            }
            return null;
        })).isInstanceOf(StoreException.Full.class).hasMessage("cannot add events: the disk holding the database is full");
        assertThat(events.list(0, null, 10)).isEmpty();
    }

    @Test
    void eventsAndSessionsRefusedByAFullDiskAreWrittenOnceThereIsRoomAndLaterChangesWin() {
        Identity ana = Identity.operator("ana", "op-tok", null);
        journal.save(new SessionRecord("sess-1", "rh-1", ana, Set.of("s1"), Set.of()));
        journal.save(new SessionRecord("sess-2", "rh-2", ana, Set.of(), Set.of()));
        journal.control("s1", "sess-1");
        journal.control("s2", "sess-2");
        for (int i = 0; i < 200; i++) {
            events.append(T0.plusMillis(i), "e" + i, null, null, DETAIL);
        }
        diskFull(true);
        assertThatThrownBy(writeBehind::flush).isInstanceOf(StoreException.Full.class);

        // Changes made while the disk is full: they supersede what the failed pass held.
        journal.save(new SessionRecord("sess-1", "rh-1b", ana, Set.of("s1", "s2"), Set.of()));
        journal.delete("sess-2");
        journal.control("s2", null);
        events.append(T0.plusSeconds(10), "after", null, null, null);
        diskFull(false);
        writeBehind.flush();

        assertThat(events.list(0, null, 1000)).extracting(StoredEvent::kind).hasSize(201)
                .startsWith("e0", "e1", "e2").endsWith("e199", "after");
        assertThat(events.dropped()).isZero();
        Snapshot snapshot = journal.load();
        assertThat(snapshot.sessions()).containsExactly(
                new SessionRecord("sess-1", "rh-1b", ana, Set.of("s1", "s2"), Set.of()));
        assertThat(snapshot.control()).containsExactly(java.util.Map.entry("s1", "sess-1"));
    }

    /** Control is written through; refused, it neither fails the claim nor is lost. */
    @Test
    void aControlChangeTheDiskRefusesFailsNoCallAndIsWrittenOnceThereIsRoom() throws SQLException {
        Identity ana = Identity.operator("ana", "op-tok", null);
        // A watch set too large for the pages the database has: the write needs new ones.
        Set<String> watching = IntStream.range(0, 500).mapToObj(i -> "site-" + i + "-" + DETAIL.substring(0, 30))
                .collect(Collectors.toSet());
        SessionRecord primary = new SessionRecord("sess-1", "rh-1", ana, watching, Set.of());
        journal.save(primary);
        diskFull(true);

        journal.control("s1", "sess-1");
        assertThat(Fixtures.count(dir.resolve("sitewatch.db"), "control")).isZero();

        diskFull(false);
        writeBehind.flush();
        assertThat(journal.load()).isEqualTo(new Snapshot(List.of(primary), Map.of("s1", "sess-1")));
    }

    @Test
    void eventsThatNoLongerFitTheQueueAfterAFailedPassAreCountedAsDropped() {
        for (int i = 0; i < 600; i++) {
            events.append(T0, "old", null, null, DETAIL);
        }
        diskFull(true);
        assertThatThrownBy(writeBehind::flush).isInstanceOf(StoreException.Full.class);
        for (int i = 0; i < 600; i++) {
            events.append(T0, "new", null, null, null);
        }
        diskFull(false);
        writeBehind.flush();

        // The queue holds 1000: the 600 newer ones came first, 400 of the kept ones fit in front of them.
        assertThat(events.dropped()).isEqualTo(200);
        assertThat(events.list(0, null, 2000)).hasSize(1000);
    }
}
