package io.sitewatch.appliance.recording;

import io.sitewatch.appliance.store.Chunk;
import java.time.Instant;

/** A chunk as the HTTP API, the admin API and the CLI show it. */
public record ChunkView(int seq, Instant startedAt, long durationMs, long bytes, String sha256, String mimeType) {

    public static ChunkView of(Chunk c) {
        return new ChunkView(c.seq(), c.startedAt(), c.durationMs(), c.bytes(), c.sha256(), c.mimeType());
    }
}
