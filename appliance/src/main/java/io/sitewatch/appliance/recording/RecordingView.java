package io.sitewatch.appliance.recording;

import io.sitewatch.appliance.store.Recording;
import java.time.Instant;

/** A recording as the HTTP API, the admin API and the CLI show it. */
public record RecordingView(String id, String site, String mimeType, Instant startedAt, Instant endedAt,
                            long durationMs, int chunks, long bytes, int firstSeq, int lastSeq) {

    public static RecordingView of(Recording r) {
        return new RecordingView(r.id(), r.siteId(), r.mimeType(), r.startedAt(), r.endedAt(),
                r.endedAt().toEpochMilli() - r.startedAt().toEpochMilli(), r.chunks(), r.bytes(), r.firstSeq(),
                r.lastSeq());
    }
}
