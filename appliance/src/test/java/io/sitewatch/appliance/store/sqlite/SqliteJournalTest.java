package io.sitewatch.appliance.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.signal.Identity;
import io.sitewatch.appliance.signal.SessionJournal;
import io.sitewatch.appliance.signal.SessionJournal.SessionRecord;
import io.sitewatch.appliance.signal.SessionJournal.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteJournalTest {

    private static final SessionRecord SITE = new SessionRecord("sess-site", "rh-1",
            Identity.site("s1", "Front gate", "t-s1", "north"), Set.of(), Set.of("room-a"));
    private static final SessionRecord OPERATOR = new SessionRecord("sess-op", "rh-2",
            Identity.operator("ana", "op-tok", Set.of("north", "east")), Set.of("s1", "s2"), Set.of());
    private static final SessionRecord ALL_GROUPS = new SessionRecord("sess-all", null,
            Identity.operator("zoe", "op-zoe", null), Set.of("s1"), Set.of("room-a", "room-b"));

    @TempDir
    Path dir;
    Path db;
    SqliteStore store;
    SessionJournal journal;

    @BeforeEach
    void open() {
        db = dir.resolve("sitewatch.db");
        reopen();
    }

    /** The background writer never runs during a test: only flush(), load() and close() write. */
    private void reopen() {
        if (store != null) {
            store.close();
        }
        store = SqliteStore.open(db, Fixtures.eventOptions(100, 500, Duration.ofHours(1)));
        journal = store.sessions();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /**
     * What a restart after a kill -9 reads: a copy of the database and its WAL as they are now, opened by a
     * store of its own, without the flush a clean stop makes.
     */
    private Snapshot afterACrash() throws IOException {
        Path crashed = Files.createDirectories(dir.resolve("crashed"));
        for (String suffix : List.of("", "-wal")) {
            Path file = db.resolveSibling(db.getFileName() + suffix);
            if (Files.exists(file)) {
                Files.copy(file, crashed.resolve(file.getFileName()));
            }
        }
        SqliteStore restarted = SqliteStore.open(crashed.resolve(db.getFileName()),
                Fixtures.eventOptions(100, 500, Duration.ofHours(1)));
        try {
            return restarted.sessions().load();
        } finally {
            restarted.close();
        }
    }

    @Test
    void sessionsAndControlSurviveARestart() {
        journal.save(SITE);
        journal.save(OPERATOR);
        journal.save(ALL_GROUPS);
        journal.control("s1", "sess-op");
        journal.control("s2", "sess-all");

        reopen();

        Snapshot snapshot = journal.load();
        assertThat(snapshot.sessions()).containsExactlyInAnyOrder(SITE, OPERATOR, ALL_GROUPS);
        assertThat(snapshot.control()).isEqualTo(Map.of("s1", "sess-op", "s2", "sess-all"));
    }

    @Test
    void sessionChangesWaitForAFlush() throws SQLException {
        journal.save(SITE);
        assertThat(Fixtures.count(db, "sessions")).isZero();
        store.flush();
        assertThat(Fixtures.count(db, "sessions")).isEqualTo(1);

        journal.delete("sess-site");
        assertThat(Fixtures.count(db, "sessions")).isEqualTo(1);
        store.flush();
        assertThat(Fixtures.count(db, "sessions")).isZero();
    }

    /**
     * The core announces control as soon as control() returns, so a kill -9 right after must not lose it, nor the
     * primary's session and watch set saved just before, without which the restore would drop the control.
     */
    @Test
    void aClaimSurvivesACrashRightAfterItWithThePrimarysSession() throws Exception {
        journal.save(OPERATOR);
        store.events().append(Fixtures.T0, "control", "sess-op", "s1", "ana took control of s1");
        journal.control("s1", "sess-op");

        assertThat(afterACrash()).isEqualTo(new Snapshot(List.of(OPERATOR), Map.of("s1", "sess-op")));
        assertThat(Fixtures.count(db, "events")).as("events stay behind").isZero();
    }

    @Test
    void aReleaseSurvivesACrashRightAfterIt() throws Exception {
        journal.save(OPERATOR);
        journal.control("s1", "sess-op");
        journal.control("s2", "sess-op");

        journal.control("s1", null);

        assertThat(afterACrash().control()).isEqualTo(Map.of("s2", "sess-op"));
    }

    @Test
    void theLatestSaveOfASessionWins() {
        journal.save(OPERATOR);
        SessionRecord moved = new SessionRecord("sess-op", "rh-3", OPERATOR.identity(), Set.of("s3"), Set.of("r"));
        journal.save(moved);
        store.flush();
        SessionRecord again = new SessionRecord("sess-op", "rh-4", OPERATOR.identity(), Set.of(), Set.of());
        journal.save(again);

        assertThat(journal.load().sessions()).containsExactly(again);
    }

    @Test
    void deleteCancelsAPendingSave() throws SQLException {
        journal.save(SITE);
        journal.delete("sess-site");
        store.flush();

        assertThat(Fixtures.count(db, "sessions")).isZero();
    }

    @Test
    void deleteRemovesASessionSavedEarlierAndASaveAfterItCounts() {
        journal.save(SITE);
        journal.save(OPERATOR);
        store.flush();

        journal.delete("sess-site");
        journal.delete("sess-op");
        journal.save(OPERATOR);

        assertThat(journal.load().sessions()).containsExactly(OPERATOR);
    }

    @Test
    void aNullPrimaryClearsControl() {
        journal.control("s1", "sess-op");
        journal.control("s2", "sess-op");
        store.flush();

        journal.control("s1", null);
        journal.control("s2", "sess-all");
        journal.control("s2", null);
        journal.control("s3", "sess-all");

        assertThat(journal.load().control()).isEqualTo(Map.of("s3", "sess-all"));
    }

    @Test
    void callsAfterCloseAreIgnored() {
        journal.save(SITE);
        store.close();

        journal.save(OPERATOR);
        journal.delete("sess-site");
        journal.control("s1", "sess-op");
        store.flush();

        reopen();
        assertThat(journal.load()).isEqualTo(new Snapshot(List.of(SITE), Map.of()));
    }
}
