package io.sitewatch.appliance.auth;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down password guessing: after a few failures for the same operator name or from the
 * same address, each further attempt must wait twice as long as the last (up to a minute).
 * A success clears the name's record. Memory is bounded: the oldest records are forgotten.
 */
public final class LoginThrottle {

    private static final int FREE_FAILURES = 3;
    private static final long MAX_DELAY_MS = 60_000;
    private static final int MAX_ENTRIES = 10_000;

    private record Failures(int count, long retryAt) {}

    private final Clock clock;
    private final Map<String, Failures> failures = new LinkedHashMap<>();

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Milliseconds to wait before this name may try again from this address; 0 when allowed now. */
    public synchronized long waitMillis(String name, String address) {
        long now = clock.millis();
        return Math.max(0, Math.max(retryAt("n:" + name), retryAt("a:" + address)) - now);
    }

    public synchronized void failed(String name, String address) {
        record("n:" + name);
        record("a:" + address);
    }

    public synchronized void succeeded(String name) {
        failures.remove("n:" + name);
    }

    private long retryAt(String key) {
        Failures f = failures.get(key);
        return f == null ? 0 : f.retryAt();
    }

    private void record(String key) {
        Failures previous = failures.remove(key);
        int count = previous == null ? 1 : previous.count() + 1;
        long delay = count <= FREE_FAILURES ? 0
                : Math.min(MAX_DELAY_MS, 1000L << Math.min(16, count - FREE_FAILURES - 1));
        failures.put(key, new Failures(count, clock.millis() + delay));
        if (failures.size() > MAX_ENTRIES) {
            Iterator<String> oldest = failures.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }
}
