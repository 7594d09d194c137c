package io.sitewatch.bench.jmh;

import io.sitewatch.appliance.signal.msg.Codec;
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

/** The codec alone: decoding a frame per type, and stamping {@code from} on a relayed one. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {

    private static final String TO = "Zb8Qe0VxN2kq7yJm1cT4Hw";
    private static final String FROM = "k3Jd9sLq0PzX8mNc2VbR7a";

    @Param({"candidate", "offer"})
    public String type;

    private final Codec codec = new Codec();
    private String frame;

    @Setup
    public void setUp() {
        frame = Frames.of(type, TO, "s0");
    }

    @Benchmark
    public Codec.Decoded decode() {
        return codec.decode(frame);
    }

    @Benchmark
    public String decodeAndStamp() {
        Codec.Decoded.Ok ok = (Codec.Decoded.Ok) codec.decode(frame);
        return codec.stamp(ok, FROM);
    }
}
