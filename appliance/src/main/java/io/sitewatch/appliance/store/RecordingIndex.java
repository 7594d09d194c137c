package io.sitewatch.appliance.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The index of recording chunks whose files are on disk. Adding and removing are durable when they
 * return (the database is synced), because an upload's acknowledgement promises the chunk is kept.
 */
public interface RecordingIndex {

    /**
     * Recordings overlapping {@code [since, until)}, oldest first.
     *
     * @param siteIds the sites to list; null lists every site
     */
    List<Recording> list(Set<String> siteIds, Instant since, Instant until, int limit);

    Optional<Recording> recording(String id);

    /** The recording's chunks in sequence order. */
    List<Chunk> chunks(String recordingId);

    Optional<Chunk> chunk(String recordingId, int seq);

    /**
     * Indexes a chunk, creating its recording on its first chunk; false if that recording id and seq
     * are indexed already (the row is left as it is).
     */
    boolean add(Chunk chunk);

    /** Removes these chunks, and the recordings left without any. */
    void remove(List<Chunk> chunks);

    /** Bytes stored for one site. */
    long siteBytes(String siteId);

    long totalBytes();

    /** Chunks after {@code after} in start order (null starts at the oldest), at most {@code limit}. */
    List<Chunk> oldest(Chunk after, int limit);
}
