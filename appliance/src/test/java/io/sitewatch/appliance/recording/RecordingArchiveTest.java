package io.sitewatch.appliance.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.recording.RecordingArchive.Stored;
import io.sitewatch.appliance.recording.RecordingException.Reason;
import io.sitewatch.appliance.store.Chunk;
import io.sitewatch.appliance.store.Recording;
import io.sitewatch.appliance.store.RecordingIndex;
import io.sitewatch.appliance.store.sqlite.SqliteStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive on a real database and directory, without sockets: storage, limits, crash repair, retention. */
class RecordingArchiveTest {

    static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    static final String REC_A = "rec-aaaaaaaaaaaaaaaa";
    static final String REC_B = "rec-bbbbbbbbbbbbbbbb";

    @TempDir
    Path dir;
    SqliteStore store;
    List<String> events = new ArrayList<>();
    long freeBytes = Long.MAX_VALUE;
    Config.Recordings settings = new Config.Recordings(10, 64, 1, 0, 0, 30, 1, 10);

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir.resolve("sitewatch.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    RecordingArchive archive() throws IOException {
        return archive(store.recordings());
    }

    RecordingArchive archive(RecordingIndex index) throws IOException {
        return RecordingArchive.open(new ChunkFiles(dir.resolve("recordings")), index, settings,
                (kind, detail) -> events.add(kind), Clock.fixed(NOW, ZoneOffset.UTC), () -> freeBytes);
    }

    static byte[] body(String text, int size) {
        byte[] bytes = new byte[size];
        byte[] seed = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) {
            bytes[i] = seed[i % seed.length];
        }
        return bytes;
    }

    static String sha(byte[] body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    }

    static ChunkUpload upload(String site, String recording, int seq, byte[] body, Instant startedAt) throws Exception {
        return new ChunkUpload(site, recording, seq, startedAt, 10_000, "video/webm;codecs=vp8,opus", sha(body),
                body.length);
    }

    static Stored put(RecordingArchive archive, String site, String recording, int seq, byte[] body) throws Exception {
        return archive.store(upload(site, recording, seq, body, NOW.minusSeconds(600 - seq * 10L)),
                new ByteArrayInputStream(body));
    }

    Path recordings() {
        return dir.resolve("recordings");
    }

    List<String> incoming() throws IOException {
        try (var files = Files.list(recordings().resolve(ChunkFiles.INCOMING))) {
            return files.map(Path::toString).toList();
        }
    }

    /** A body the archive must not read: a duplicate or a refusal is decided from the metadata. */
    static InputStream unreadable() {
        return new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the body was read");
            }
        };
    }

    @Test
    void aChunkIsStoredUnderItsFinalNameAndIndexed() throws Exception {
        RecordingArchive archive = archive();
        byte[] body = body("frame", 5000);
        assertThat(put(archive, "w1", REC_A, 0, body)).isEqualTo(Stored.CREATED);

        Chunk chunk = archive.chunk(REC_A, 0).orElseThrow();
        assertThat(chunk.path()).isEqualTo("w1/" + REC_A + "/0000000.webm");
        assertThat(Files.readAllBytes(archive.file(chunk))).isEqualTo(body);
        assertThat(chunk.sha256()).isEqualTo(sha(body));
        assertThat(chunk.storedAt()).isEqualTo(NOW);
        Recording recording = archive.recording(REC_A).orElseThrow();
        assertThat(recording.siteId()).isEqualTo("w1");
        assertThat(recording.bytes()).isEqualTo(5000);
        assertThat(incoming()).isEmpty();
    }

    @Test
    void theSameChunkAgainIsAcceptedWithoutReadingItAndADifferentOneIsAConflict() throws Exception {
        RecordingArchive archive = archive();
        byte[] body = body("frame", 5000);
        put(archive, "w1", REC_A, 0, body);

        assertThat(archive.store(upload("w1", REC_A, 0, body, NOW), unreadable())).isEqualTo(Stored.EXISTS);
        byte[] other = body("other", 5000);
        assertThatThrownBy(() -> put(archive, "w1", REC_A, 0, other))
                .isInstanceOf(RecordingException.class).hasMessageContaining("different content")
                .extracting(e -> ((RecordingException) e).reason()).isEqualTo(Reason.CONFLICT);
        assertThat(Files.readAllBytes(archive.file(archive.chunk(REC_A, 0).orElseThrow()))).isEqualTo(body);
        assertThat(archive.recording(REC_A).orElseThrow().chunks()).isEqualTo(1);
    }

    @Test
    void aSiteCannotAddToAnotherSitesRecording() throws Exception {
        RecordingArchive archive = archive();
        put(archive, "w1", REC_A, 0, body("a", 100));

        assertThatThrownBy(() -> archive.store(upload("w2", REC_A, 1, body("b", 100), NOW), unreadable()))
                .extracting(e -> ((RecordingException) e).reason()).isEqualTo(Reason.FORBIDDEN);
        assertThatThrownBy(() -> archive.store(upload("w2", REC_A, 0, body("a", 100), NOW), unreadable()))
                .extracting(e -> ((RecordingException) e).reason()).isEqualTo(Reason.FORBIDDEN);
        assertThat(archive.recording(REC_A).orElseThrow().chunks()).isEqualTo(1);
        assertThat(recordings().resolve("w2")).doesNotExist();
    }

    @Test
    void aBodyThatDoesNotMatchItsHashOrLengthIsRefusedAndLeavesNothing() throws Exception {
        RecordingArchive archive = archive();
        byte[] body = body("frame", 3000);
        ChunkUpload declared = upload("w1", REC_A, 0, body, NOW);

        byte[] tampered = body.clone();
        tampered[1500] ^= 1;
        assertThatThrownBy(() -> archive.store(declared, new ByteArrayInputStream(tampered)))
                .hasMessageContaining("sha256").extracting(e -> ((RecordingException) e).reason())
                .isEqualTo(Reason.INVALID);
        assertThatThrownBy(() -> archive.store(declared, new ByteArrayInputStream(body, 0, 2000)))
                .hasMessageContaining("only 2000 of the declared 3000 bytes");
        byte[] longer = body("frame", 4000);
        assertThatThrownBy(() -> archive.store(declared, new ByteArrayInputStream(longer)))
                .hasMessageContaining("more than the declared 3000 bytes");

        assertThat(archive.chunk(REC_A, 0)).isEmpty();
        assertThat(incoming()).isEmpty();
        assertThat(archive.store(declared, new ByteArrayInputStream(body))).isEqualTo(Stored.CREATED);
    }

    @Test
    void malformedMetadataIsRefusedBeforeTheBodyIsRead() throws Exception {
        RecordingArchive archive = archive();
        byte[] body = body("x", 10);
        String sha = sha(body);
        List<ChunkUpload> bad = List.of(
                new ChunkUpload("w1", "short", 0, NOW, 1000, "video/webm", sha, 10),
                new ChunkUpload("w1", "../../../etc/passwdxx", 0, NOW, 1000, "video/webm", sha, 10),
                new ChunkUpload("w1", REC_A, -1, NOW, 1000, "video/webm", sha, 10),
                new ChunkUpload("w1", REC_A, 0, Instant.parse("1999-01-01T00:00:00Z"), 1000, "video/webm", sha, 10),
                new ChunkUpload("w1", REC_A, 0, NOW.plus(Duration.ofDays(2)), 1000, "video/webm", sha, 10),
                new ChunkUpload("w1", REC_A, 0, NOW, 0, "video/webm", sha, 10),
                new ChunkUpload("w1", REC_A, 0, NOW, 1000, "text/html", sha, 10),
                new ChunkUpload("w1", REC_A, 0, NOW, 1000, null, sha, 10),
                new ChunkUpload("w1", REC_A, 0, NOW, 1000, "video/webm", "abc", 10),
                new ChunkUpload("w1", REC_A, 0, NOW, 1000, "video/webm", sha, 0));
        for (ChunkUpload upload : bad) {
            assertThatThrownBy(() -> archive.store(upload, unreadable())).as(upload.toString())
                    .isInstanceOf(RecordingException.class)
                    .extracting(e -> ((RecordingException) e).reason()).isEqualTo(Reason.INVALID);
        }
        ChunkUpload huge = new ChunkUpload("w1", REC_A, 0, NOW, 1000, "video/webm", sha, 1024 * 1024 + 1);
        assertThatThrownBy(() -> archive.store(huge, unreadable()))
                .extracting(e -> ((RecordingException) e).reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(archive.recording(REC_A)).isEmpty();
    }

    @Test
    void aSiteOverItsQuotaIsRefusedWithOneEventAndKeepsWhatItHas() throws Exception {
        settings = new Config.Recordings(10, 64, 1, 1, 0, 30, 1, 10); // 1 MiB quota
        RecordingArchive archive = archive();
        byte[] body = body("q", 400 * 1024);
        put(archive, "w1", REC_A, 0, body);
        put(archive, "w1", REC_A, 1, body("r", 400 * 1024));

        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> archive.store(upload("w1", REC_A, 2, body, NOW), unreadable()))
                    .hasMessageContaining("quota").extracting(e -> ((RecordingException) e).reason())
                    .isEqualTo(Reason.QUOTA_EXCEEDED);
        }
        assertThat(events).containsExactly("recording-quota");
        assertThat(put(archive, "w2", REC_B, 0, body)).isEqualTo(Stored.CREATED);
        assertThat(archive.recording(REC_A).orElseThrow().chunks()).isEqualTo(2);
    }

    @Test
    void aNearlyFullDiskRefusesUploadsOnceAnnouncedAndTouchesNothingStored() throws Exception {
        RecordingArchive archive = archive();
        byte[] stored = body("kept", 2000);
        put(archive, "w1", REC_A, 0, stored);
        freeBytes = 512 * 1024; // below min-free-mb = 1

        for (int seq = 1; seq <= 3; seq++) {
            int s = seq;
            assertThatThrownBy(() -> archive.store(upload("w1", REC_A, s, body("new", 100), NOW), unreadable()))
                    .extracting(e -> ((RecordingException) e).reason()).isEqualTo(Reason.DISK_FULL);
        }
        assertThat(events).containsExactly("recording-disk-full");
        assertThat(Files.readAllBytes(archive.file(archive.chunk(REC_A, 0).orElseThrow()))).isEqualTo(stored);

        freeBytes = 10L << 30;
        assertThat(put(archive, "w1", REC_A, 1, body("new", 100))).isEqualTo(Stored.CREATED);
        assertThat(events).containsExactly("recording-disk-full", "recording-disk-ok");
    }

    @Test
    void aDatabaseThatCannotGrowRefusesTheUploadAsDiskFullAndLeavesNoFile() throws Exception {
        RecordingIndex real = store.recordings();
        boolean[] full = {true};
        RecordingIndex index = (RecordingIndex) java.lang.reflect.Proxy.newProxyInstance(
                RecordingIndex.class.getClassLoader(), new Class<?>[] {RecordingIndex.class}, (proxy, method, args) -> {
                    if (full[0] && method.getName().equals("add")) {
                        throw new io.sitewatch.appliance.store.StoreException.Full(
                                "cannot index a chunk: the disk holding the database is full", null);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        RecordingArchive archive = archive(index);
        byte[] body = body("frame", 3000);

        assertThatThrownBy(() -> put(archive, "w1", REC_A, 0, body))
                .extracting(e -> ((RecordingException) e).reason()).isEqualTo(Reason.DISK_FULL);
        assertThat(events).containsExactly("recording-disk-full");
        assertThat(recordings().resolve("w1")).doesNotExist();
        assertThat(incoming()).isEmpty();

        full[0] = false;
        assertThat(put(archive, "w1", REC_A, 0, body)).isEqualTo(Stored.CREATED);
        assertThat(events).containsExactly("recording-disk-full", "recording-disk-ok");
    }

    @Test
    void aSiteMayRunOnlyAFewUploadsAtOnce() throws Exception {
        RecordingArchive archive = archive();
        CountDownLatch reading = new CountDownLatch(RecordingArchive.MAX_UPLOADS_PER_SITE);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(RecordingArchive.MAX_UPLOADS_PER_SITE);
        try {
            List<Future<Stored>> slow = new ArrayList<>();
            for (int i = 0; i < RecordingArchive.MAX_UPLOADS_PER_SITE; i++) {
                byte[] body = body("slow" + i, 100);
                ChunkUpload upload = upload("w1", REC_A, i, body, NOW);
                slow.add(threads.submit(() -> archive.store(upload, new InputStream() {
                    int next;

                    @Override
                    public int read() throws IOException {
                        if (next == 0) {
                            reading.countDown();
                            try {
                                release.await(10, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                throw new IOException(e);
                            }
                        }
                        return next < body.length ? body[next++] & 0xff : -1;
                    }
                })));
            }
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
            byte[] body = body("one more", 100);
            assertThatThrownBy(() -> put(archive, "w1", REC_A, 9, body))
                    .extracting(e -> ((RecordingException) e).reason()).isEqualTo(Reason.BUSY);
            assertThat(put(archive, "w2", REC_B, 0, body)).isEqualTo(Stored.CREATED);
            release.countDown();
            for (Future<Stored> f : slow) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(Stored.CREATED);
            }
            assertThat(put(archive, "w1", REC_A, 9, body)).isEqualTo(Stored.CREATED);
        } finally {
            threads.shutdownNow();
        }
    }

    /** The index fails as a crash would between the rename and the insert: the file stays behind. */
    static RecordingIndex crashingOnAdd(RecordingIndex real) {
        return new RecordingIndex() {
            public List<Recording> list(Set<String> s, Instant a, Instant b, int l) { return real.list(s, a, b, l); }
            public Optional<Recording> recording(String id) { return real.recording(id); }
            public List<Chunk> chunks(String id) { return real.chunks(id); }
            public Optional<Chunk> chunk(String id, int seq) { return real.chunk(id, seq); }
            public boolean add(Chunk chunk) { throw new Error("simulated crash before the index insert"); }
            public void remove(List<Chunk> chunks) { real.remove(chunks); }
            public long siteBytes(String site) { return real.siteBytes(site); }
            public long totalBytes() { return real.totalBytes(); }
            public List<Chunk> oldest(Chunk after, int limit) { return real.oldest(after, limit); }
        };
    }

    @Test
    void theNextStartRemovesFilesWithoutRowsRowsWithoutFilesAndUnfinishedUploads() throws Exception {
        RecordingArchive before = archive();
        byte[] kept = body("kept", 1000);
        put(before, "w1", REC_A, 0, kept);
        put(before, "w1", REC_A, 1, body("lost", 1000));
        RecordingArchive crashing = archive(crashingOnAdd(store.recordings()));
        assertThatThrownBy(() -> put(crashing, "w1", REC_A, 2, body("orphan", 1000)))
                .hasMessageContaining("simulated crash");
        Path orphan = recordings().resolve("w1/" + REC_A + "/0000002.webm");
        assertThat(orphan).exists();
        Files.delete(before.file(before.chunk(REC_A, 1).orElseThrow())); // a row without its file
        Files.write(recordings().resolve(ChunkFiles.INCOMING).resolve("x.part"), body("half", 10));
        Files.createDirectories(recordings().resolve("w9/rec-emptyemptyempty"));

        RecordingArchive after = archive();

        assertThat(orphan).doesNotExist();
        assertThat(after.chunk(REC_A, 1)).isEmpty();
        assertThat(after.chunks(REC_A)).extracting(Chunk::seq).containsExactly(0);
        assertThat(Files.readAllBytes(after.file(after.chunk(REC_A, 0).orElseThrow()))).isEqualTo(kept);
        assertThat(after.recording(REC_A).orElseThrow().bytes()).isEqualTo(1000);
        assertThat(incoming()).isEmpty();
        assertThat(recordings().resolve("w9")).doesNotExist();
        List<RecordingArchive.Mismatch> mismatches = new ArrayList<>();
        assertThat(after.verify(mismatches::add).mismatches()).isZero();
        // The interrupted chunk can be uploaded again.
        assertThat(put(after, "w1", REC_A, 2, body("orphan", 1000))).isEqualTo(Stored.CREATED);
    }

    @Test
    void retentionRemovesChunksPastTheAgeLimitThenTheOldestPastTheTotalCap() throws Exception {
        settings = new Config.Recordings(10, 64, 1, 0, 1, 30, 1, 10); // 30 days, 1 MiB in all
        RecordingArchive archive = archive();
        byte[] body = body("c", 300 * 1024);
        Instant old = NOW.minus(Duration.ofDays(40));
        archive.store(upload("w1", REC_A, 0, body, old), new ByteArrayInputStream(body));
        archive.store(upload("w1", REC_A, 1, body, old.plusSeconds(10)), new ByteArrayInputStream(body));
        for (int seq = 0; seq < 4; seq++) {
            archive.store(upload("w2", REC_B, seq, body, NOW.minusSeconds(100 - seq)), new ByteArrayInputStream(body));
        }
        Path oldest = archive.file(archive.chunk(REC_A, 0).orElseThrow());

        RecordingArchive.PruneReport dry = archive.prune(true);
        assertThat(dry).isEqualTo(new RecordingArchive.PruneReport(true, 3, 1, 3L * body.length, 2, 1));
        assertThat(archive.chunks(REC_A)).hasSize(2);
        assertThat(events).isEmpty();

        RecordingArchive.PruneReport done = archive.prune(false);
        assertThat(done.chunks()).isEqualTo(3);
        assertThat(archive.recording(REC_A)).isEmpty();
        assertThat(oldest).doesNotExist();
        assertThat(recordings().resolve("w1")).doesNotExist();
        assertThat(archive.chunks(REC_B)).extracting(Chunk::seq).containsExactly(1, 2, 3);
        assertThat(archive.recording(REC_B).orElseThrow().firstSeq()).isEqualTo(1);
        assertThat(store.recordings().totalBytes()).isLessThanOrEqualTo(1024 * 1024);
        assertThat(events).containsExactly("recordings-pruned");
        assertThat(archive.prune(false).chunks()).isZero();
    }

    @Test
    void verifyReportsChangedMissingAndUnindexedFiles() throws Exception {
        RecordingArchive archive = archive();
        for (int seq = 0; seq < 4; seq++) {
            put(archive, "w1", REC_A, seq, body("v" + seq, 1000));
        }
        Files.write(archive.file(archive.chunk(REC_A, 0).orElseThrow()), body("v0", 999));
        Files.write(archive.file(archive.chunk(REC_A, 1).orElseThrow()), body("tampered", 1000));
        Files.delete(archive.file(archive.chunk(REC_A, 2).orElseThrow()));
        Files.write(recordings().resolve("w1/stray.webm"), body("stray", 10));

        List<RecordingArchive.Mismatch> found = new ArrayList<>();
        RecordingArchive.VerifyReport report = archive.verify(found::add);

        assertThat(report.checked()).isEqualTo(4);
        assertThat(report.mismatches()).isEqualTo(4);
        assertThat(found).extracting(RecordingArchive.Mismatch::problem)
                .containsExactlyInAnyOrder("size", "hash", "missing", "orphan");
        assertThat(found).filteredOn(m -> m.problem().equals("orphan")).extracting(RecordingArchive.Mismatch::path)
                .containsExactly("w1/stray.webm");
        assertThat(archive.chunks(REC_A)).hasSize(4); // verify changes nothing
    }
}
