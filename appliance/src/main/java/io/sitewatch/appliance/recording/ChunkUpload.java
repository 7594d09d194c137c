package io.sitewatch.appliance.recording;

import java.time.Instant;

/**
 * What a site declares about a chunk it uploads (docs/protocol.md, Recordings).
 *
 * @param siteId   the uploading site, from its token
 * @param sha256   the body's SHA-256, lowercase hex
 * @param length   the body's declared size in bytes
 */
public record ChunkUpload(String siteId, String recordingId, int seq, Instant startedAt, long durationMs,
                          String mimeType, String sha256, long length) {}
