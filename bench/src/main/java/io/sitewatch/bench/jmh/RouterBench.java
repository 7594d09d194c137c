package io.sitewatch.bench.jmh;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Candidate relay across many pairs: routing lookups in large maps (O(1) expected), and two
 * threads relaying for disjoint pairs at once (what a global lock on the relay path costs).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBench {

    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"10", "5000"})
        public int pairs;

        Fleet fleet;
        String[] frames;
        final AtomicInteger threads = new AtomicInteger();

        @Setup
        public void setUp() {
            fleet = new Fleet(pairs);
            frames = new String[pairs];
            for (int i = 0; i < pairs; i++) {
                frames[i] = Frames.of("candidate", fleet.siteSessions[i], Fleet.site(i));
            }
        }
    }

    /** Each thread walks its own half of the pairs, so two threads never share a session. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
        int from;
        int span;

        @Setup
        public void setUp(Shared shared) {
            int index = shared.threads.getAndIncrement();
            span = Math.max(1, shared.pairs / 2);
            from = (index % 2) * span;
            next = 0;
        }

        int advance() {
            int i = from + next;
            next = next + 1 == span ? 0 : next + 1;
            return i;
        }
    }

    @Benchmark
    public String relay(Shared shared, Cursor cursor) {
        int i = cursor.advance();
        shared.fleet.core.message(shared.fleet.operatorLinks[i], shared.frames[i]);
        return shared.fleet.siteLinks[i].last;
    }

    @Benchmark
    @Threads(2)
    public String relayTwoThreads(Shared shared, Cursor cursor) {
        return relay(shared, cursor);
    }
}
