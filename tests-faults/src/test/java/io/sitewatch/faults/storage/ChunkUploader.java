package io.sitewatch.faults.storage;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A site uploading one recording chunk after chunk, as the site app does: the same seq is retried with the same
 * bytes until the appliance acknowledges it (2xx), then the next. Every acknowledged chunk is remembered with its
 * SHA-256, so a test can prove none was lost.
 */
public final class ChunkUploader {

    public static final String TYPE = "video/webm;codecs=vp8,opus";
    private static final long START = Instant.now().minusSeconds(3600).toEpochMilli();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Supplier<URI> base;
    private final String token;
    private final String recordingId;
    private final int minBytes;
    private final int maxBytes;
    private final Map<Integer, String> acked = new ConcurrentHashMap<>();
    private final Map<Integer, Long> statuses = new ConcurrentHashMap<>();
    private int seq;
    private byte[] pending;

    /** @param base the appliance's base URL, asked before every request (it may move between runs) */
    public ChunkUploader(Supplier<URI> base, String token, String recordingId, int minBytes, int maxBytes) {
        this.base = base;
        this.token = token;
        this.recordingId = recordingId;
        this.minBytes = minBytes;
        this.maxBytes = maxBytes;
    }

    /**
     * Sends the pending chunk once; returns the status, or -1 when the appliance could not be reached or the
     * connection broke (then the same chunk is sent again next time).
     */
    public int uploadOnce() throws InterruptedException {
        if (pending == null) {
            Random random = new Random(recordingId.hashCode() * 31L + seq);
            pending = new byte[minBytes + random.nextInt(maxBytes - minBytes + 1)];
            random.nextBytes(pending);
        }
        String sha = StoreCheck.sha256(pending);
        URI uri = base.get().resolve("/api/recordings/" + recordingId + "/chunks/" + seq + "?startedAt="
                + (START + seq * 10_000L) + "&durationMs=10000&sha256=" + sha);
        int status;
        try {
            status = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token).header("Content-Type", TYPE)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(pending)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
        statuses.merge(status, 1L, Long::sum);
        if (status / 100 == 2) {
            acked.put(seq, sha);
            seq++;
            pending = null;
        }
        return status;
    }

    /** Acknowledged seq -> SHA-256; a copy, taken now. */
    public Map<Integer, String> acked() {
        return Map.copyOf(acked);
    }

    /** How often each status came back. */
    public Map<Integer, Long> statuses() {
        return Map.copyOf(statuses);
    }

    public String recordingId() {
        return recordingId;
    }
}
