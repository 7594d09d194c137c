package io.sitewatch.cli.loadtest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Runs actions at fixed rates from the calling thread, spread evenly over time (an open model: what is due
 * is sent even when the server is slow, so queueing shows up as latency instead of a lower send rate).
 */
public final class Pacer {

    /** An action and how many times per second to run it. */
    public record Paced(double perSecond, Runnable action) {
        public Paced {
            if (!(perSecond >= 0)) {
                throw new IllegalArgumentException("a rate must not be negative: " + perSecond);
            }
        }
    }

    private static final long SLICE_NANOS = 200_000;

    private Pacer() {}

    /** Runs every action at its rate until {@code duration} has passed or {@code stop} says so. */
    public static void run(List<Paced> paced, Duration duration, BooleanSupplier stop) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long[] done = new long[paced.size()];
        for (long now = start; now < end && !stop.getAsBoolean(); now = System.nanoTime()) {
            double elapsed = (now - start) / 1e9;
            for (int i = 0; i < done.length; i++) {
                long due = (long) (paced.get(i).perSecond() * elapsed);
                for (; done[i] < due; done[i]++) {
                    paced.get(i).action().run();
                }
            }
            LockSupport.parkNanos(SLICE_NANOS);
        }
    }
}
