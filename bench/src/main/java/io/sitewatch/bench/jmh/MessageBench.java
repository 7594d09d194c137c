package io.sitewatch.bench.jmh;

import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One frame from an operator through the real core: JSON parse, record decoding, rate limit,
 * dispatch, permission check, {@code from} stamping (relayed types) and the send to the link.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MessageBench {

    @Param({"candidate", "offer", "bye", "ping", "status", "watch", "claim"})
    public String type;

    private Fleet fleet;
    private String frame;

    @Setup
    public void setUp() {
        fleet = new Fleet(1);
        frame = Frames.of(type, fleet.siteSessions[0], Fleet.site(0));
    }

    @Benchmark
    public String operatorSends() {
        fleet.core.message(fleet.operatorLinks[0], frame);
        return fleet.siteLinks[0].last;
    }
}
