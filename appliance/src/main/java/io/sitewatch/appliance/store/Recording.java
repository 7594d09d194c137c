package io.sitewatch.appliance.store;

import java.time.Instant;

/**
 * A recording as the index summarises its stored chunks: one continuous publishing session of a site.
 * Missing sequence numbers between {@code firstSeq} and {@code lastSeq} are chunks not (yet) stored.
 */
public record Recording(String id, String siteId, String mimeType, Instant startedAt, Instant endedAt, int chunks,
                        long bytes, int firstSeq, int lastSeq) {}
