package io.sitewatch.appliance.recording;

import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.recording.RecordingException.Reason;
import io.sitewatch.appliance.store.Chunk;
import io.sitewatch.appliance.store.Recording;
import io.sitewatch.appliance.store.RecordingIndex;
import io.sitewatch.appliance.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recording chunks uploaded by sites: files under the recordings directory, indexed in the database.
 * A chunk's file is complete and synced under its final name before its index row is written, and the
 * row is on disk before the upload is acknowledged; rows are removed before their files. So after a
 * crash there can only be files without rows (never acknowledged, or already pruned), which the startup
 * reconcile removes, together with rows whose file went missing some other way.
 */
public final class RecordingArchive {

    /** Free space on the disk holding the recordings; tests simulate a full disk with it. */
    @FunctionalInterface
    interface FreeSpace {
        long usableBytes() throws IOException;
    }

    /** Meaningful events (disk full, quota reached, pruning): one log line and one event-log row each. */
    @FunctionalInterface
    public interface Events {
        void record(String kind, String detail);
    }

    public enum Stored { CREATED, EXISTS }

    /** What the site app needs to record: its id and the appliance's limits (docs/protocol.md, Recordings). */
    public record SiteSettings(String site, int chunkSeconds, long maxChunkBytes, long localBytes) {}

    public record PruneReport(boolean dryRun, int chunks, int recordings, long bytes, int byAge, int bySize) {}

    /** @param problem {@code missing}, {@code size}, {@code hash} or {@code orphan} (a file the index does not know) */
    public record Mismatch(String recordingId, Integer seq, String path, String problem, String detail) {}

    public record VerifyReport(int checked, long bytes, int mismatches) {}

    public static final long MIB = 1024L * 1024;
    static final int MAX_UPLOADS_PER_SITE = 4;
    private static final Logger LOG = LoggerFactory.getLogger(RecordingArchive.class);
    private static final Pattern RECORDING_ID = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern MIME = Pattern.compile(
            "(video|audio)/(webm|mp4)(\\s*;\\s*codecs=\"?[A-Za-z0-9.,\\s]{1,60}\"?)?", Pattern.CASE_INSENSITIVE);
    private static final int MAX_SEQ = 9_999_999;
    private static final long MAX_DURATION_MS = Duration.ofHours(1).toMillis();
    private static final Instant EARLIEST = Instant.parse("2020-01-01T00:00:00Z");
    private static final int PAGE = 1000;

    private final ChunkFiles files;
    private final RecordingIndex index;
    private final Config.Recordings settings;
    private final Events events;
    private final Clock clock;
    private final FreeSpace freeSpace;
    /** Serializes the steps that change files and rows together: commit of an upload, deletion by retention. */
    private final ReentrantLock commit = new ReentrantLock();
    private final ReentrantLock pruning = new ReentrantLock();
    private final Map<String, AtomicInteger> uploading = new ConcurrentHashMap<>();
    private final Set<String> overQuota = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean diskLow = new AtomicBoolean();

    private RecordingArchive(ChunkFiles files, RecordingIndex index, Config.Recordings settings, Events events,
                             Clock clock, FreeSpace freeSpace) {
        this.files = files;
        this.index = index;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
        this.freeSpace = freeSpace;
    }

    /** Opens the archive in {@code root} and reconciles files and index (see the class comment). */
    public static RecordingArchive open(Path root, RecordingIndex index, Config.Recordings settings, Events events,
                                        Clock clock) throws IOException {
        ChunkFiles files = new ChunkFiles(root);
        return open(files, index, settings, events, clock, () -> Files.getFileStore(files.root()).getUsableSpace());
    }

    static RecordingArchive open(ChunkFiles files, RecordingIndex index, Config.Recordings settings, Events events,
                                 Clock clock, FreeSpace freeSpace) throws IOException {
        RecordingArchive archive = new RecordingArchive(files, index, settings, events, clock, freeSpace);
        archive.reconcile();
        return archive;
    }

    public SiteSettings settingsFor(String siteId) {
        return new SiteSettings(siteId, settings.chunkSeconds(), maxChunkBytes(), settings.siteLocalMb() * MIB);
    }

    /** The largest chunk accepted. */
    public long maxChunkBytes() {
        return settings.maxChunkMb() * MIB;
    }

    /**
     * Stores one uploaded chunk, streaming the body to disk. Idempotent by recording id and seq: the same
     * chunk again is {@link Stored#EXISTS}; a different one is a {@link Reason#CONFLICT}.
     *
     * @throws RecordingException for anything the uploader must change or wait for
     * @throws IOException        when the appliance cannot read or write its disk
     */
    public Stored store(ChunkUpload upload, InputStream body) throws IOException {
        validate(upload);
        AtomicInteger active = uploading.computeIfAbsent(upload.siteId(), s -> new AtomicInteger());
        if (active.incrementAndGet() > MAX_UPLOADS_PER_SITE) {
            active.decrementAndGet();
            throw new RecordingException(Reason.BUSY, "site " + upload.siteId() + " already has "
                    + MAX_UPLOADS_PER_SITE + " uploads in progress; retry when one is done");
        }
        try {
            Optional<Stored> known = known(upload);
            if (known.isPresent()) {
                return known.get();
            }
            checkLimits(upload.siteId(), upload.length());
            ChunkFiles.Received received = receive(body, upload.length());
            try {
                check(upload, received);
                return commit(upload, received);
            } finally {
                files.discard(received.temp());
            }
        } finally {
            active.decrementAndGet();
        }
    }

    private Stored commit(ChunkUpload upload, ChunkFiles.Received received) throws IOException {
        commit.lock();
        try {
            Optional<Stored> known = known(upload);
            if (known.isPresent()) {
                return known.get();
            }
            boolean first = index.recording(upload.recordingId()).isEmpty();
            checkLimits(upload.siteId(), received.bytes());
            Chunk chunk = new Chunk(upload.recordingId(), upload.seq(), upload.siteId(), upload.startedAt(),
                    upload.durationMs(), received.bytes(), received.sha256(),
                    upload.mimeType().strip().toLowerCase(Locale.ROOT), path(upload), clock.instant());
            files.commit(received.temp(), chunk.path());
            try {
                index.add(chunk);
            } catch (RuntimeException e) {
                // Not acknowledged, so the file must go; should that fail too, the startup reconcile removes it.
                files.delete(chunk.path());
                if (e instanceof StoreException.Conflict) {
                    throw new RecordingException(Reason.FORBIDDEN, e.getMessage());
                }
                if (e instanceof StoreException.Full) {
                    refuseLowDisk("the database cannot grow: the disk is full");
                }
                throw e;
            }
            overQuota.remove(upload.siteId());
            if (first) {
                LOG.info("site {} started recording {} ({})", upload.siteId(), upload.recordingId(), chunk.mimeType());
            }
            return Stored.CREATED;
        } finally {
            commit.unlock();
        }
    }

    /** The answer for a chunk that is indexed already, or for a recording of another site. */
    private Optional<Stored> known(ChunkUpload upload) {
        Optional<Recording> recording = index.recording(upload.recordingId());
        if (recording.isPresent() && !recording.get().siteId().equals(upload.siteId())) {
            throw new RecordingException(Reason.FORBIDDEN, "recording " + upload.recordingId()
                    + " belongs to another site");
        }
        Optional<Chunk> existing = index.chunk(upload.recordingId(), upload.seq());
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        if (existing.get().sha256().equals(upload.sha256()) && existing.get().bytes() == upload.length()) {
            return Optional.of(Stored.EXISTS);
        }
        throw new RecordingException(Reason.CONFLICT, "chunk " + existing.get().key()
                + " is stored already with different content (sha256 " + existing.get().sha256() + ")");
    }

    private ChunkFiles.Received receive(InputStream body, long length) throws IOException {
        try {
            return files.receive(body, length);
        } catch (ChunkFiles.Truncated e) {
            throw new RecordingException(Reason.INVALID, e.getMessage());
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("No space left")) {
                refuseLowDisk("the disk filled up while receiving a chunk");
            }
            throw e;
        }
    }

    private static void check(ChunkUpload upload, ChunkFiles.Received received) {
        if (received.bytes() != upload.length()) {
            throw new RecordingException(Reason.INVALID, "the body has " + (received.bytes() > upload.length()
                    ? "more than" : "only " + received.bytes() + " of") + " the declared " + upload.length() + " bytes");
        }
        if (!received.sha256().equals(upload.sha256())) {
            throw new RecordingException(Reason.INVALID, "the body's sha256 is " + received.sha256()
                    + ", not the declared " + upload.sha256());
        }
    }

    private void checkLimits(String siteId, long bytes) throws IOException {
        long quota = settings.siteQuotaMb() * MIB;
        if (quota > 0 && index.siteBytes(siteId) + bytes > quota) {
            if (overQuota.add(siteId)) {
                events.record("recording-quota", "site " + siteId + " reached its recording quota of "
                        + settings.siteQuotaMb() + " MiB: its uploads are refused until retention frees space");
            }
            throw new RecordingException(Reason.QUOTA_EXCEEDED, "site " + siteId + " has used its quota of "
                    + settings.siteQuotaMb() + " MiB");
        }
        long usable = freeSpace.usableBytes();
        if (usable - bytes < settings.minFreeMb() * MIB) {
            refuseLowDisk("only " + usable / MIB + " MiB free, below recordings.min-free-mb = " + settings.minFreeMb());
        }
        if (diskLow.compareAndSet(true, false)) {
            events.record("recording-disk-ok", "free space is back above " + settings.minFreeMb()
                    + " MiB: uploads are accepted again");
        }
    }

    private void refuseLowDisk(String why) {
        if (diskLow.compareAndSet(false, true)) {
            events.record("recording-disk-full", why + ": uploads are refused, stored chunks are kept");
        }
        throw new RecordingException(Reason.DISK_FULL, "the appliance's disk is nearly full; retry later");
    }

    private void validate(ChunkUpload u) {
        if (u.recordingId() == null || !RECORDING_ID.matcher(u.recordingId()).matches()) {
            throw invalid("recording id must be 16-64 letters, digits, '-' or '_'");
        }
        if (u.seq() < 0 || u.seq() > MAX_SEQ) {
            throw invalid("seq must be 0-" + MAX_SEQ);
        }
        if (u.startedAt() == null || u.startedAt().isBefore(EARLIEST)
                || u.startedAt().isAfter(clock.instant().plus(Duration.ofDays(1)))) {
            throw invalid("startedAt must be the chunk's start in epoch milliseconds, not before 2020 or in the future");
        }
        if (u.durationMs() < 1 || u.durationMs() > MAX_DURATION_MS) {
            throw invalid("durationMs must be 1-" + MAX_DURATION_MS);
        }
        if (u.mimeType() == null || u.mimeType().length() > 100 || !MIME.matcher(u.mimeType().strip()).matches()) {
            throw invalid("Content-Type must be video/webm, video/mp4, audio/webm or audio/mp4 (codecs allowed)");
        }
        if (u.sha256() == null || !SHA256.matcher(u.sha256()).matches()) {
            throw invalid("sha256 must be 64 lowercase hex digits");
        }
        if (u.length() < 1) {
            throw invalid("a chunk cannot be empty");
        }
        if (u.length() > settings.maxChunkMb() * MIB) {
            throw new RecordingException(Reason.TOO_LARGE, "a chunk may be at most " + settings.maxChunkMb()
                    + " MiB (recordings.max-chunk-mb)");
        }
    }

    private static RecordingException invalid(String message) {
        return new RecordingException(Reason.INVALID, message);
    }

    private static String path(ChunkUpload u) {
        String extension = u.mimeType().toLowerCase(Locale.ROOT).contains("mp4") ? "mp4" : "webm";
        return u.siteId() + "/" + u.recordingId() + "/" + String.format(Locale.ROOT, "%07d.%s", u.seq(), extension);
    }

    // --- queries -------------------------------------------------------------------------------------

    /** @param siteIds null for every site */
    public List<Recording> list(Set<String> siteIds, Instant since, Instant until, int limit) {
        return index.list(siteIds, since, until, limit);
    }

    public Optional<Recording> recording(String id) {
        return index.recording(id);
    }

    public List<Chunk> chunks(String recordingId) {
        return index.chunks(recordingId);
    }

    public Optional<Chunk> chunk(String recordingId, int seq) {
        return index.chunk(recordingId, seq);
    }

    /** The file of an indexed chunk. */
    public Path file(Chunk chunk) {
        return files.resolve(chunk.path());
    }

    // --- retention -----------------------------------------------------------------------------------

    /**
     * Removes chunks older than {@code max-age-days}, then the oldest ones while all recordings together
     * pass {@code max-total-mb}; a dry run only reports what would go.
     */
    public PruneReport prune(boolean dryRun) {
        pruning.lock();
        try {
            Instant cutoff = settings.maxAgeDays() > 0
                    ? clock.instant().minus(Duration.ofDays(settings.maxAgeDays())) : Instant.MIN;
            long cap = settings.maxTotalMb() > 0 ? settings.maxTotalMb() * MIB : Long.MAX_VALUE;
            long remaining = index.totalBytes();
            List<Chunk> plan = new ArrayList<>();
            int byAge = 0;
            Chunk after = null;
            boolean done = false;
            while (!done) {
                List<Chunk> page = index.oldest(after, PAGE);
                for (Chunk chunk : page) {
                    boolean old = chunk.startedAt().isBefore(cutoff);
                    if (!old && remaining <= cap) {
                        done = true;
                        break;
                    }
                    plan.add(chunk);
                    remaining -= chunk.bytes();
                    byAge += old ? 1 : 0;
                    after = chunk;
                }
                done |= page.size() < PAGE;
            }
            int recordings = wholeRecordings(plan);
            long bytes = plan.stream().mapToLong(Chunk::bytes).sum();
            if (!dryRun) {
                delete(plan);
            }
            if (!dryRun && !plan.isEmpty()) {
                events.record("recordings-pruned", plan.size() + " chunks (" + bytes / MIB + " MiB, " + recordings
                        + " whole recordings) removed by retention: " + byAge + " by age, " + (plan.size() - byAge)
                        + " by total size");
            }
            return new PruneReport(dryRun, plan.size(), recordings, bytes, byAge, plan.size() - byAge);
        } finally {
            pruning.unlock();
        }
    }

    private int wholeRecordings(List<Chunk> plan) {
        Map<String, Integer> planned = new HashMap<>();
        plan.forEach(c -> planned.merge(c.recordingId(), 1, Integer::sum));
        int whole = 0;
        for (var entry : planned.entrySet()) {
            if (index.recording(entry.getKey()).map(r -> r.chunks() <= entry.getValue()).orElse(false)) {
                whole++;
            }
        }
        return whole;
    }

    /** Rows first, then files: a crash in between leaves only files, which the startup reconcile removes. */
    private void delete(List<Chunk> chunks) {
        for (int from = 0; from < chunks.size(); from += PAGE) {
            List<Chunk> batch = chunks.subList(from, Math.min(chunks.size(), from + PAGE));
            commit.lock();
            try {
                index.remove(batch);
                for (Chunk chunk : batch) {
                    try {
                        files.delete(chunk.path());
                    } catch (IOException e) {
                        LOG.warn("cannot delete {} (its index row is gone; the next start removes it): {}",
                                chunk.path(), e.toString());
                    }
                }
            } finally {
                commit.unlock();
            }
        }
    }

    // --- consistency ---------------------------------------------------------------------------------

    /** At start, before any upload: the index and the files agree afterwards (see the class comment). */
    private void reconcile() throws IOException {
        int unfinished = files.clearIncoming();
        Set<String> onDisk = new HashSet<>(files.list());
        List<Chunk> indexed = all();
        List<Chunk> dangling = new ArrayList<>();
        Set<String> indexedPaths = new HashSet<>();
        for (Chunk chunk : indexed) {
            indexedPaths.add(chunk.path());
            if (!onDisk.contains(chunk.path())) {
                dangling.add(chunk);
                LOG.warn("removing the index row of chunk {}: its file {} is missing", chunk.key(), chunk.path());
            }
        }
        index.remove(dangling);
        int orphans = 0;
        for (String path : onDisk) {
            if (!indexedPaths.contains(path)) {
                LOG.warn("removing {}: no index row (an upload interrupted before it was acknowledged,"
                        + " or a chunk pruned just before a stop)", path);
                files.delete(path);
                orphans++;
            }
        }
        files.removeEmptyDirectories();
        long bytes = index.totalBytes();
        LOG.info("recordings: {} chunks, {} MiB in {}; start-up check removed {} orphan files, {} rows without a file,"
                + " {} unfinished uploads", indexed.size() - dangling.size(), bytes / MIB, files.root(), orphans,
                dangling.size(), unfinished);
    }

    /**
     * Re-hashes every indexed file and compares size and SHA-256 with its row; files without a row are
     * reported too. Reports each mismatch as it is found; changes nothing.
     */
    public VerifyReport verify(Consumer<Mismatch> report) throws IOException {
        List<Chunk> indexed;
        Set<String> onDisk;
        commit.lock(); // a consistent picture: no upload between listing rows and files
        try {
            indexed = all();
            onDisk = new HashSet<>(files.list());
        } finally {
            commit.unlock();
        }
        int mismatches = 0;
        long bytes = 0;
        Set<String> indexedPaths = new HashSet<>();
        for (Chunk chunk : indexed) {
            indexedPaths.add(chunk.path());
            Optional<Mismatch> problem = check(chunk);
            if (problem.isPresent() && index.chunk(chunk.recordingId(), chunk.seq()).isPresent()) {
                report.accept(problem.get());
                mismatches++;
            }
            bytes += chunk.bytes();
        }
        for (String path : onDisk) {
            if (!indexedPaths.contains(path)) {
                report.accept(new Mismatch(null, null, path, "orphan", "a file the index does not list"));
                mismatches++;
            }
        }
        return new VerifyReport(indexed.size(), bytes, mismatches);
    }

    private Optional<Mismatch> check(Chunk chunk) throws IOException {
        Path file = files.resolve(chunk.path());
        try {
            long size = Files.size(file);
            if (size != chunk.bytes()) {
                return Optional.of(mismatch(chunk, "size", "the file has " + size + " bytes, the index "
                        + chunk.bytes()));
            }
            String sha = ChunkFiles.hash(file);
            if (!sha.equals(chunk.sha256())) {
                return Optional.of(mismatch(chunk, "hash", "the file's sha256 is " + sha + ", the index has "
                        + chunk.sha256()));
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.of(mismatch(chunk, "missing", "the file is missing"));
        }
    }

    private static Mismatch mismatch(Chunk chunk, String problem, String detail) {
        return new Mismatch(chunk.recordingId(), chunk.seq(), chunk.path(), problem, detail);
    }

    private List<Chunk> all() {
        List<Chunk> all = new ArrayList<>();
        for (List<Chunk> page = index.oldest(null, PAGE); !page.isEmpty();
             page = page.size() < PAGE ? List.of() : index.oldest(page.get(page.size() - 1), PAGE)) {
            all.addAll(page);
        }
        return all;
    }
}
