package io.sitewatch.appliance.store;

import java.time.Instant;
import java.util.List;

/** The connection-event log. Appends are written behind and never block the caller. */
public interface EventLog {

    void append(Instant at, String kind, String session, String peer, String detail);

    /** Events with {@code seq > afterSeq} and {@code at >= since}, oldest first, at most {@code limit}. */
    List<StoredEvent> list(long afterSeq, Instant since, int limit);

    /** Deletes events older than {@code before}; returns how many. */
    int prune(Instant before);
}
