package io.sitewatch.appliance.store.sqlite;

import static io.sitewatch.appliance.store.sqlite.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.store.EventLog;
import io.sitewatch.appliance.store.StoreException;
import io.sitewatch.appliance.store.StoredEvent;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteEventsTest {

    /** Long enough that the background writer never runs during a test: only flush() writes. */
    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path dir;
    SqliteStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private EventLog open(int capacity) {
        store = SqliteStore.open(dir.resolve("sitewatch.db"), Fixtures.eventOptions(capacity, 500, NEVER));
        return store.events();
    }

    @Test
    void appendsAreWrittenByFlushAndListedOldestFirst() {
        EventLog events = open(100);
        events.append(T0, "session-start", "sess-1", null, "site s1");
        events.append(T0.plusSeconds(1), "watch", "sess-2", "sess-1", null);
        assertThat(events.list(0, Instant.EPOCH, 10)).isEmpty();

        store.flush();

        List<StoredEvent> listed = events.list(0, Instant.EPOCH, 10);
        assertThat(listed).extracting(StoredEvent::kind).containsExactly("session-start", "watch");
        StoredEvent first = listed.get(0);
        assertThat(first).isEqualTo(new StoredEvent(first.seq(), T0, "session-start", "sess-1", null, "site s1"));
        assertThat(listed.get(1).seq()).isGreaterThan(first.seq());
    }

    @Test
    void listFiltersBySeqAndTimeAndHonoursTheLimit() {
        EventLog events = open(100);
        for (int i = 0; i < 5; i++) {
            events.append(T0.plusSeconds(i), "e" + i, null, null, null);
        }
        store.flush();
        List<StoredEvent> all = events.list(0, null, 100);

        assertThat(all).extracting(StoredEvent::kind).containsExactly("e0", "e1", "e2", "e3", "e4");
        assertThat(events.list(all.get(2).seq(), Instant.EPOCH, 100)).extracting(StoredEvent::kind)
                .containsExactly("e3", "e4");
        assertThat(events.list(0, T0.plusSeconds(3), 100)).extracting(StoredEvent::kind)
                .containsExactly("e3", "e4");
        assertThat(events.list(0, Instant.EPOCH, 2)).extracting(StoredEvent::kind).containsExactly("e0", "e1");
        assertThat(events.list(0, Instant.EPOCH, 0)).isEmpty();
    }

    @Test
    void pruneDeletesOlderEventsAndSeqNeverGoesBack() {
        EventLog events = open(100);
        events.append(T0, "old", null, null, null);
        events.append(T0.plusSeconds(10), "new", null, null, null);
        store.flush();
        long lastSeq = events.list(0, null, 10).get(1).seq();

        assertThat(events.prune(T0.plusSeconds(10))).isEqualTo(1);
        assertThat(events.list(0, null, 10)).extracting(StoredEvent::kind).containsExactly("new");

        assertThat(events.prune(T0.plusSeconds(11))).isEqualTo(1);
        events.append(T0.plusSeconds(20), "after", null, null, null);
        store.flush();
        assertThat(events.list(0, null, 10)).singleElement()
                .satisfies(e -> assertThat(e.seq()).isGreaterThan(lastSeq));
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() {
        EventLog events = open(10);
        for (int i = 0; i < 25; i++) {
            events.append(T0.plusMillis(i), "e" + i, null, null, null);
        }

        assertThat(store.droppedEvents()).isEqualTo(15);
        store.flush();
        assertThat(events.list(0, null, 100)).extracting(StoredEvent::kind)
                .containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9");

        events.append(T0, "room again", null, null, null);
        assertThat(store.droppedEvents()).isEqualTo(15);
    }

    @Test
    void aFailedWriteCountsItsEventsAsDroppedAndLaterWritesGoOn() throws SQLException {
        EventLog events = open(100);
        Path db = dir.resolve("sitewatch.db");
        Fixtures.execute(db, "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.kind = 'poison'"
                + " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
        events.append(T0, "fine", null, null, null);
        events.append(T0, "poison", null, null, null);

        assertThatThrownBy(store::flush)
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot write events and sessions")
                .hasMessageContaining("refused by the test");
        assertThat(store.droppedEvents()).isEqualTo(2);

        events.append(T0, "later", null, null, null);
        store.flush();
        assertThat(events.list(0, null, 10)).extracting(StoredEvent::kind).containsExactly("later");
    }

    @Test
    void theBackgroundWriterWritesWithoutAFlush() throws InterruptedException {
        store = SqliteStore.open(dir.resolve("sitewatch.db"), Fixtures.eventOptions(100, 1, NEVER));
        EventLog events = store.events();

        // A batch size of one wakes the writer at once; poll for its commit instead of sleeping a guess.
        events.append(T0, "woken", null, null, null);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (events.list(0, null, 1).isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        assertThat(events.list(0, null, 10)).extracting(StoredEvent::kind).containsExactly("woken");
    }

    @Test
    void appendsAfterCloseAreIgnoredAndEverythingBeforeIsKept() {
        EventLog events = open(100);
        events.append(T0, "before", null, null, null);
        store.close();

        events.append(T0, "after", null, null, null);
        store.flush();

        store = SqliteStore.open(dir.resolve("sitewatch.db"));
        assertThat(store.events().list(0, null, 10)).extracting(StoredEvent::kind).containsExactly("before");
    }
}
