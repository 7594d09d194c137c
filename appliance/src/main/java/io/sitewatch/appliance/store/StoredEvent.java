package io.sitewatch.appliance.store;

import java.time.Instant;

/** One row of the connection-event log; {@code seq} increases with every append. */
public record StoredEvent(long seq, Instant at, String kind, String session, String peer, String detail) {}
