package io.sitewatch.bench.jmh;

import io.sitewatch.appliance.http.BenchSockets;
import io.sitewatch.appliance.http.SignalSocket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Outbound queueing: a frame into the Jetty adapter's bounded outbox, and a relayed frame into
 * the bounded backlog of a session between connections (resume window).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OutboxBench {

    private SignalSocket socket;
    private Fleet detached;
    private String frame;

    @Setup
    public void setUp() {
        Fleet fleet = new Fleet(1);
        socket = BenchSockets.open(fleet.core, 256);
        detached = new Fleet(1);
        detached.core.closed(detached.siteLinks[0], 1006);
        frame = Frames.of("candidate", detached.siteSessions[0], Fleet.site(0));
    }

    @Benchmark
    public boolean socketOutbox() {
        return socket.send(frame);
    }

    @Benchmark
    public long relayToBacklog() {
        detached.core.message(detached.operatorLinks[0], frame);
        return detached.operatorLinks[0].frames;
    }
}
