package io.sitewatch.appliance.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.store.Chunk;
import io.sitewatch.appliance.store.RecordingIndex;
import io.sitewatch.appliance.store.sqlite.SqliteStore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not part of the test run (the name matches no test pattern): {@code mvn -pl appliance verify
 * -Dit.test=RecordingsBenchmark}. Prints upload throughput on loopback and index query times with
 * 100,000 chunks.
 */
class RecordingsBenchmark {

    static final int CHUNK_BYTES = Integer.getInteger("sitewatch.chunkBytes", 4 << 20);
    static final int UPLOADS = Integer.getInteger("sitewatch.uploads", 64);

    @TempDir
    Path dir;

    @Test
    void uploadThroughputOnLoopback() throws Exception {
        try (TestAppliance app = TestAppliance.start(dir, Map.of("http.tls", "false"))) {
            HttpClient http = HttpClient.newHttpClient();
            byte[] body = new byte[CHUNK_BYTES];
            new Random(1).nextBytes(body);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            for (int sites : List.of(1, 4)) {
                List<String> tokens = new ArrayList<>();
                for (int s = 0; s < sites; s++) {
                    tokens.add(app.site("bench-" + sites + "-" + s));
                }
                ExecutorService pool = Executors.newFixedThreadPool(sites);
                long start = System.nanoTime();
                List<Future<Integer>> results = new ArrayList<>();
                for (int s = 0; s < sites; s++) {
                    String token = tokens.get(s);
                    String recording = "bench-recording-" + sites + "-" + s;
                    results.add(pool.submit(() -> {
                        int ok = 0;
                        for (int seq = 0; seq < UPLOADS / sites; seq++) {
                            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(app.http("/api/recordings/"
                                            + recording + "/chunks/" + seq + "?startedAt="
                                            + (Instant.now().toEpochMilli() - 3_600_000 + seq * 10_000L)
                                            + "&durationMs=10000&sha256=" + sha))
                                    .header("Authorization", "Bearer " + token).header("Content-Type", "video/webm")
                                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                    HttpResponse.BodyHandlers.discarding());
                            ok += r.statusCode() == 201 ? 1 : 0;
                        }
                        return ok;
                    }));
                }
                int stored = 0;
                for (Future<Integer> f : results) {
                    stored += f.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                pool.shutdown();
                assertThat(stored).isEqualTo(UPLOADS / sites * sites);
                double mb = (double) stored * CHUNK_BYTES / 1e6;
                System.out.printf(Locale.ROOT, "[bench] upload, %d site(s) in parallel: %d chunks of %.1f MB in %.2f s"
                                + " = %.1f MB/s (%.1f ms per chunk; streamed to disk, SHA-256, fsync file + dir,"
                                + " durable index row)%n", sites, stored, CHUNK_BYTES / 1e6, seconds, mb / seconds,
                        seconds * 1000 / stored * sites);
            }
        }
    }

    @Test
    void indexQueriesWith100000Chunks() throws Exception {
        Path db = dir.resolve("sitewatch.db");
        SqliteStore.open(db).close(); // the schema
        int sites = 100;
        int recordingsPerSite = 10;
        int chunksPerRecording = 100;
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        long insertStart = System.nanoTime();
        bulkInsert(db, sites, recordingsPerSite, chunksPerRecording, t0);
        double insertSeconds = (System.nanoTime() - insertStart) / 1e9;
        int total = sites * recordingsPerSite * chunksPerRecording;
        System.out.printf(Locale.ROOT, "[bench] index: %d chunks bulk-inserted in %.1f s%n", total, insertSeconds);

        try (SqliteStore store = SqliteStore.open(db)) {
            RecordingIndex index = store.recordings();
            // A site's recordings span day d (10 recordings of 1000 s each, one per day).
            Instant dayStart = t0.plus(Duration.ofDays(4));
            time("list one site's recordings in a 1-day range", 200,
                    () -> index.list(Set.of("site-042"), dayStart, dayStart.plus(Duration.ofDays(1)), 500), 1);
            time("list 16 sites' recordings in a 3-day range", 200, () -> index.list(Set.of(sitesNamed(16)), dayStart,
                    dayStart.plus(Duration.ofDays(3)), 500), 48);
            time("list every recording (1000)", 50, () -> index.list(null, Instant.EPOCH,
                    Instant.parse("9999-01-01T00:00:00Z"), 5000), 1000);
            time("one recording's 100 chunks", 200, () -> index.chunks("rec-site-042-0004-000000"), 100);
            time("one chunk by recording and seq", 1000, () -> index.chunk("rec-site-042-0004-000000", 57)
                    .map(List::of).orElseThrow(), 1);
            time("a site's stored bytes (quota check)", 1000, () -> List.of(index.siteBytes("site-042")), 1);
            time("oldest 1000 chunks (retention page)", 50, () -> index.oldest(null, 1000), 1000);

            Chunk template = index.chunk("rec-site-042-0004-000000", 0).orElseThrow();
            int adds = 200;
            long addStart = System.nanoTime();
            for (int i = 0; i < adds; i++) {
                index.add(new Chunk("rec-bench-adds-000000", i, "site-000", t0.plusSeconds(i), 10_000,
                        template.bytes(), template.sha256(), template.mimeType(), "x/" + i, Instant.now()));
            }
            System.out.printf(Locale.ROOT, "[bench] index: durable add (synchronous=FULL commit): %.2f ms each%n",
                    (System.nanoTime() - addStart) / 1e6 / adds);
        }
    }

    private static String[] sitesNamed(int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = String.format(Locale.ROOT, "site-%03d", i + 40);
        }
        return ids;
    }

    private static void time(String what, int runs, Supplier<List<?>> query, int expected) {
        for (int i = 0; i < 10; i++) {
            assertThat(query.get()).hasSize(expected);
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            query.get();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "[bench] index (100,000 chunks): %-48s median %.3f ms, p95 %.3f ms%n", what,
                nanos[runs / 2] / 1e6, nanos[runs * 95 / 100] / 1e6);
    }

    /** Rows as the archive would have written them, in one transaction (the index, not the files, is measured). */
    private static void bulkInsert(Path db, int sites, int recordings, int chunks, Instant t0) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false);
            try (PreparedStatement rec = c.prepareStatement("INSERT INTO recordings (id, site_id, mime_type, started_at,"
                    + " ended_at, chunks, bytes, first_seq, last_seq) VALUES (?, ?, 'video/webm', ?, ?, ?, ?, 0, ?)");
                 PreparedStatement chunk = c.prepareStatement("INSERT INTO chunks (recording_id, seq, site_id,"
                         + " started_at, duration_ms, bytes, sha256, mime_type, path, stored_at)"
                         + " VALUES (?, ?, ?, ?, 10000, 3000000, ?, 'video/webm', ?, ?)")) {
                String sha = "ab".repeat(32);
                for (int s = 0; s < sites; s++) {
                    String site = String.format(Locale.ROOT, "site-%03d", s);
                    for (int r = 0; r < recordings; r++) {
                        String id = String.format(Locale.ROOT, "rec-%s-%04d-000000", site, r);
                        long start = t0.plus(Duration.ofDays(r)).toEpochMilli() + s * 1000L;
                        rec.setString(1, id);
                        rec.setString(2, site);
                        rec.setLong(3, start);
                        rec.setLong(4, start + chunks * 10_000L);
                        rec.setInt(5, chunks);
                        rec.setLong(6, chunks * 3_000_000L);
                        rec.setInt(7, chunks - 1);
                        rec.addBatch();
                        for (int q = 0; q < chunks; q++) {
                            chunk.setString(1, id);
                            chunk.setInt(2, q);
                            chunk.setString(3, site);
                            chunk.setLong(4, start + q * 10_000L);
                            chunk.setString(5, sha);
                            chunk.setString(6, site + "/" + id + "/" + q + ".webm");
                            chunk.setLong(7, start + q * 10_000L + 10_500);
                            chunk.addBatch();
                        }
                    }
                    rec.executeBatch();
                    chunk.executeBatch();
                }
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
    }
}
