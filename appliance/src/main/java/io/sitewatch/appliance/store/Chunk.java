package io.sitewatch.appliance.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored recording chunk: a self-contained media file under the recordings directory.
 *
 * @param startedAt when the site started recording it (the site's clock)
 * @param sha256    lowercase hex SHA-256 of the file
 * @param path      the file, relative to the recordings directory
 * @param storedAt  when the appliance acknowledged it
 */
public record Chunk(String recordingId, int seq, String siteId, Instant startedAt, long durationMs, long bytes,
                    String sha256, String mimeType, String path, Instant storedAt) {

    public Chunk {
        Objects.requireNonNull(recordingId);
        Objects.requireNonNull(siteId);
        Objects.requireNonNull(startedAt);
        Objects.requireNonNull(sha256);
        Objects.requireNonNull(mimeType);
        Objects.requireNonNull(path);
        Objects.requireNonNull(storedAt);
    }

    /** The key a chunk is idempotent by. */
    public String key() {
        return recordingId + "/" + seq;
    }

    public Instant endedAt() {
        return startedAt.plusMillis(durationMs);
    }
}
