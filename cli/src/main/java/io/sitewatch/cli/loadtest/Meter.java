package io.sitewatch.cli.loadtest;

import org.HdrHistogram.Histogram;

/**
 * Turns a {@link Tally}'s interval samples into running totals and phases (a ramp step), and the figures of
 * one progress line. Samplers may be on different threads: every method holds the meter's lock.
 */
public final class Meter {

    private final Tally tally;
    private final Histogram relay = new Histogram(3);
    private final Histogram open = new Histogram(3);
    private final Histogram phase = new Histogram(3);
    private final long startNanos = System.nanoTime();
    private long lastNanos = startNanos;
    private long lastReceived;
    private long lastOpened;

    public Meter(Tally tally) {
        this.tally = tally;
    }

    public Tally tally() {
        return tally;
    }

    /** What happened since the previous progress sample. */
    public record Progress(double seconds, long opened, double openedPerSecond, double receivedPerSecond,
                           double p50Ms, double p99Ms, long sent, long received, long errors) {}

    public synchronized Progress progress() {
        Tally.Interval interval = take();
        long now = System.nanoTime();
        double span = Math.max(1e-3, (now - lastNanos) / 1e9);
        long received = tally.receivedCount();
        long opened = tally.openedCount();
        Progress p = new Progress((now - startNanos) / 1e9, opened, (opened - lastOpened) / span,
                (received - lastReceived) / span, ms(interval.relay().getValueAtPercentile(50)),
                ms(interval.relay().getValueAtPercentile(99)), tally.sentCount(), received, tally.errorCount());
        lastNanos = now;
        lastReceived = received;
        lastOpened = opened;
        return p;
    }

    /** Relay latencies since the previous call (a ramp step), then starts a new phase. */
    public synchronized Histogram endPhase() {
        take();
        Histogram done = phase.copy();
        phase.reset();
        return done;
    }

    /** Relay latencies of the whole run so far. */
    public synchronized Histogram relayTotal() {
        take();
        return relay.copy();
    }

    /** Hello-to-ready latencies of every session opened so far. */
    public synchronized Histogram openTotal() {
        take();
        return open.copy();
    }

    /** Forgets the latencies recorded so far (e.g. those of warm-up). */
    public synchronized void reset() {
        take();
        relay.reset();
        open.reset();
        phase.reset();
    }

    private Tally.Interval take() {
        Tally.Interval interval = tally.sample();
        relay.add(interval.relay());
        phase.add(interval.relay());
        open.add(interval.open());
        return interval;
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
