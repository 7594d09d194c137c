package io.sitewatch.cli.loadtest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a load run counts, written from many client threads at once: relay and open latencies (nanoseconds,
 * lock-free {@link Recorder}s), messages sent and received, and errors by code. One reader {@link #sample}s it.
 */
public final class Tally {

    private final Recorder relay = new Recorder(3);
    private final Recorder open = new Recorder(3);
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder others = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private volatile String firstProblem;

    void sent() {
        sent.increment();
    }

    void received(long latencyNanos) {
        received.increment();
        relay.recordValue(Math.max(0, latencyNanos));
    }

    void opened(long helloToReadyNanos) {
        opened.increment();
        open.recordValue(Math.max(0, helloToReadyNanos));
    }

    /** Any frame that is neither a relay nor an error (presence, control, ...). */
    void other() {
        others.increment();
    }

    /** Counts an error by code; the first one's detail is kept for the report. */
    public void error(String code, String detail) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
        if (firstProblem == null && detail != null) {
            firstProblem = code + ": " + detail;
        }
    }

    public long sentCount() {
        return sent.sum();
    }

    public long receivedCount() {
        return received.sum();
    }

    public long openedCount() {
        return opened.sum();
    }

    public long otherCount() {
        return others.sum();
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Long> errors() {
        Map<String, Long> byCode = new TreeMap<>();
        errors.forEach((code, count) -> byCode.put(code, count.sum()));
        return byCode;
    }

    /** The first error worth showing a person (a connect failure's reason), or null. */
    public String firstProblem() {
        return firstProblem;
    }

    /** Latencies recorded since the previous sample (only one thread may sample). */
    public Interval sample() {
        return new Interval(relay.getIntervalHistogram(), open.getIntervalHistogram());
    }

    /** Relay and open latencies of one interval, in nanoseconds. */
    public record Interval(Histogram relay, Histogram open) {}
}
