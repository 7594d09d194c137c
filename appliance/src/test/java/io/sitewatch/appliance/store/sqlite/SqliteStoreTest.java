package io.sitewatch.appliance.store.sqlite;

import static io.sitewatch.appliance.store.sqlite.Fixtures.T0;
import static io.sitewatch.appliance.store.sqlite.Fixtures.count;
import static io.sitewatch.appliance.store.sqlite.Fixtures.enrolment;
import static io.sitewatch.appliance.store.sqlite.Fixtures.operator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.signal.Identity;
import io.sitewatch.appliance.signal.SessionJournal.SessionRecord;
import io.sitewatch.appliance.store.SiteRepository.Enrolment;
import io.sitewatch.appliance.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {

    @TempDir
    Path dir;

    @Test
    void createsTheDataDirectoryAndKeepsDataAcrossReopening() {
        Path db = dir.resolve("data/sub/sitewatch.db");
        try (SqliteStore store = SqliteStore.open(db)) {
            store.sites().add(enrolment("s1"));
            store.operators().add(operator("ana", Set.of("default")));
            store.events().append(T0, "boot", null, null, null);
        }

        try (SqliteStore store = SqliteStore.open(db)) {
            assertThat(store.sites().find("s1")).contains(Fixtures.site("s1"));
            assertThat(store.tokens().find("t-s1")).isPresent();
            assertThat(store.operators().find("ana")).contains(operator("ana", Set.of("default")));
            assertThat(store.events().list(0, null, 10)).hasSize(1);
        }
    }

    @Test
    void theDatabaseAndItsWalAreOwnerOnlyEvenInAnOpenDirectory() throws Exception {
        Path db = dir.resolve("data").resolve("sitewatch.db");
        Files.createDirectories(db.getParent());
        try (SqliteStore store = SqliteStore.open(db)) {
            store.sites().add(enrolment("s1"));
            for (String file : List.of("sitewatch.db", "sitewatch.db-wal", "sitewatch.db-shm")) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(db.resolveSibling(file)))).as(file).isEqualTo("rw-------");
            }
        }
        // A database an older version left readable is narrowed on the next open.
        Files.setPosixFilePermissions(db, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (SqliteStore store = SqliteStore.open(db)) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(db)))
                    .isEqualTo("rw-------");
            assertThat(store.sites().list()).hasSize(1);
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() throws Exception {
        Path db = dir.resolve("sitewatch.db");
        try (SqliteStore first = SqliteStore.open(db)) {
            assertThatThrownBy(() -> SqliteStore.open(dir.resolve("other.db")))
                    .isInstanceOf(StoreException.class)
                    .hasMessage("another sitewatch appliance is running on " + dir.toRealPath());
            first.sites().add(enrolment("still-works"));
        }
        SqliteStore.open(db).close();
    }

    @Test
    void closeWritesPendingWorkCheckpointsAndIsIdempotent() {
        Path db = dir.resolve("sitewatch.db");
        SqliteStore store = SqliteStore.open(db, Fixtures.eventOptions(100, 500, Duration.ofHours(1)));
        store.events().append(T0, "pending", null, null, null);
        store.sessions().save(new SessionRecord("sess", "rh", Identity.site("s1", null, "t", null), Set.of(),
                Set.of()));

        store.close();
        store.close();
        store.flush();

        assertThat(db.resolveSibling("sitewatch.db-wal")).satisfiesAnyOf(
                wal -> assertThat(wal).doesNotExist(),
                wal -> assertThat(wal).isEmptyFile());
        assertThatThrownBy(() -> store.sites().list()).isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.sites().add(enrolment("late"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        try (SqliteStore reopened = SqliteStore.open(db)) {
            assertThat(reopened.events().list(0, null, 10)).hasSize(1);
            assertThat(reopened.sessions().load().sessions()).hasSize(1);
        }
    }

    /** Guards the rule that reads close their result sets: an open one would pin an old snapshot. */
    @Test
    void aReaderSeesCommitsMadeAfterItsLastQuery() {
        SqliteStore.Options d = SqliteStore.Options.defaults();
        SqliteStore.Options oneReader = new SqliteStore.Options(d.eventQueueCapacity(), d.eventBatchSize(),
                d.writeBehindInterval(), d.walLimitBytes(), 1, d.clock(), d.migrations());
        try (SqliteStore store = SqliteStore.open(dir.resolve("sitewatch.db"), oneReader)) {
            store.sites().add(enrolment("s0"));
            for (int i = 1; i < 4; i++) {
                // A hit stops reading mid-result: only closing the result set ends its read transaction.
                assertThat(store.tokens().find("t-s" + (i - 1))).isPresent();
                assertThat(store.sites().find("s" + i)).isEmpty();
                store.sites().add(enrolment("s" + i));
                assertThat(store.sites().list()).hasSize(i + 1);
                assertThat(store.sites().find("s" + i)).isPresent();
            }
        }
    }

    @Test
    void concurrentWritersAndReadersAllSucceed() throws Exception {
        int threads = 6;
        int perThread = 150;
        try (SqliteStore store = SqliteStore.open(dir.resolve("sitewatch.db"))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
            try {
                List<Callable<Void>> work = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    work.add(() -> {
                        for (int i = 0; i < perThread; i++) {
                            String id = "s" + thread + "-" + i;
                            store.sites().add(enrolment(id));
                            store.tokens().add(Fixtures.operatorToken("op-" + id, "op" + thread, null));
                            store.operators().add(operator("op-" + id, null));
                            store.events().append(T0, "e", id, null, null);
                            store.sessions().save(new SessionRecord(id, "rh", Identity.site(id, null, "t-" + id, null),
                                    Set.of(), Set.of()));
                            store.sites().update(Fixtures.site(id).withEnabled(false));
                        }
                        return null;
                    });
                }
                work.add(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.sites().list();
                        store.tokens().find("t-s0-" + i);
                        store.events().list(0, null, 100);
                    }
                    return null;
                });
                for (Future<Void> done : pool.invokeAll(work)) {
                    done.get();
                }
            } finally {
                pool.shutdown();
            }
            store.flush();

            int total = threads * perThread;
            assertThat(store.sites().list()).hasSize(total).noneMatch(site -> site.enabled());
            assertThat(store.operators().list()).hasSize(total);
            assertThat(store.events().list(0, null, total + 1)).hasSize(total);
            assertThat(store.sessions().load().sessions()).hasSize(total);
            assertThat(store.droppedEvents()).isZero();
        }
    }

    @Test
    void theWalStaysBelowItsLimitAfterManyWrites() throws Exception {
        Path db = dir.resolve("sitewatch.db");
        long limit = 64 * 1024;
        try (SqliteStore store = SqliteStore.open(db, Fixtures.options(Migrations.builtIn(), limit))) {
            for (int batch = 0; batch < 10; batch++) {
                List<Enrolment> enrolments = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    enrolments.add(enrolment("site-" + batch + "-" + i));
                }
                store.sites().addAll(enrolments);
                for (int i = 0; i < 1000; i++) {
                    store.events().append(T0, "event", "session-" + i, "peer", "detail " + batch);
                }
                store.flush();
            }

            assertThat(count(db, "sites")).isEqualTo(5000);
            assertThat(count(db, "events")).isEqualTo(10_000);
            // Far more than the limit went through the WAL ...
            assertThat(Files.size(db)).isGreaterThan(20 * limit);
            // ... yet after every commit it is truncated back below it.
            assertThat(Files.size(db.resolveSibling("sitewatch.db-wal"))).isLessThanOrEqualTo(limit);
        }
    }

    @Test
    void aReaderHoldingAnOldSnapshotNeitherStallsWritesNorKeepsTheWalLargeAfterwards() throws Exception {
        Path db = dir.resolve("sitewatch.db");
        long limit = 64 * 1024;
        try (SqliteStore store = SqliteStore.open(db, Fixtures.options(Migrations.builtIn(), limit))) {
            store.sites().add(enrolment("first"));
            Path wal = db.resolveSibling("sitewatch.db-wal");
            // An admin's sqlite3 shell in the middle of a read transaction.
            try (java.sql.Connection outside = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                 java.sql.Statement s = outside.createStatement()) {
                s.execute("BEGIN");
                try (java.sql.ResultSet r = s.executeQuery("SELECT count(*) FROM sites")) {
                    r.next();
                }
                for (int i = 0; i < 5; i++) {
                    List<Enrolment> batch = new ArrayList<>();
                    for (int j = 0; j < 200; j++) {
                        batch.add(enrolment("s-" + i + "-" + j));
                    }
                    long started = System.nanoTime();
                    store.sites().addAll(batch);
                    // Waiting for the reader would take the whole busy timeout, under the write lock.
                    assertThat(Duration.ofNanos(System.nanoTime() - started))
                            .isLessThan(Duration.ofMillis(SqlConnection.BUSY_TIMEOUT_MS));
                }
                assertThat(Files.size(wal)).as("the reader pins the WAL").isGreaterThan(limit);
                s.execute("COMMIT");
            }
            store.sites().add(enrolment("after"));
            assertThat(Files.size(wal)).as("truncated at the next commit").isLessThanOrEqualTo(limit);
            assertThat(count(db, "sites")).isEqualTo(1002);
        }
    }
}
