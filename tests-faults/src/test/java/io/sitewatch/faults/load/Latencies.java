package io.sitewatch.faults.load;

import java.util.Arrays;

/** Latency samples in microseconds, appended from many threads; percentiles on demand. */
public final class Latencies {

    private long[] samples = new long[4096];
    private int count;

    public synchronized void add(long micros) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = micros;
    }

    public synchronized int count() {
        return count;
    }

    /** The {@code p}-th percentile (0-100) in milliseconds. */
    public synchronized double percentileMs(double p) {
        if (count == 0) {
            throw new IllegalStateException("no samples");
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int index = (int) Math.min(count - 1, Math.ceil(p / 100.0 * count) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }
}
