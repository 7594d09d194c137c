package io.sitewatch.bench.abc;

import io.sitewatch.cli.loadtest.Dialect;
import io.sitewatch.cli.loadtest.Peer;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server in the comparison: how to start it on loopback, when it is up, how its clients are
 * named and addressed, and its process's memory. The driver stops it by the PID it started.
 */
abstract class Contender {

    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    final String name;
    final int port;
    final Path logFile;
    private Process process;
    private long startupMillis;

    Contender(String name, int port, Path workDir) {
        this.name = name;
        this.port = port;
        this.logFile = workDir.resolve(name.replaceAll("[^A-Za-z0-9]+", "-") + ".log");
    }

    /** The command that runs the server in the foreground on {@link #port}. */
    abstract List<String> command();

    /** A path answering 200 once the server serves. */
    abstract String healthPath();

    abstract Dialect dialect();

    /** Whether the server is a JVM (then a GC is asked for before reading memory). */
    abstract boolean jvm();

    /** The identity of the {@code i}-th site-like client of a phase. */
    abstract Dialect.Identity site(String phase, int i);

    /** The identity of the {@code i}-th operator-like client of a phase. */
    abstract Dialect.Identity operator(String phase, int i);

    /** Registers what the clients need (credentials); {@code sites} site identities at most. */
    void provision(int sites) throws Exception {}

    /** Lets each operator reach its sites (sitewatch: {@code watch}); others need nothing. */
    void connect(List<Peer> operators, List<List<Integer>> sitesOf) throws Exception {}

    /** Where other clients send relays for this peer. */
    String address(Peer peer) {
        return peer.address() != null ? peer.address() : peer.identity().name();
    }

    URI base() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    long startupMillis() {
        return startupMillis;
    }

    long pid() {
        return process.pid();
    }

    void start() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        process = new ProcessBuilder(command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        URI health = URI.create("http://127.0.0.1:" + port + healthPath());
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + "; see " + logFile);
            }
            if (answers(health)) {
                startupMillis = (System.nanoTime() - t0) / 1_000_000;
                return;
            }
            Thread.sleep(10);
        }
        throw new IOException(name + " did not answer " + health + " within 60 s; see " + logFile);
    }

    private static boolean answers(URI uri) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(1000);
            int status = c.getResponseCode();
            c.disconnect();
            return status == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** Resident memory of the server process, after a full GC for a JVM (so garbage is not counted). */
    long rssKiB() throws IOException, InterruptedException {
        if (jvm()) {
            Process gc = new ProcessBuilder("jcmd", Long.toString(pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            gc.waitFor(30, TimeUnit.SECONDS);
            Thread.sleep(500);
        }
        Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid()), "status")));
        if (!m.find()) {
            throw new IOException("no VmRSS for " + name);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * With {@code -Dbench.histogram=true}, a JVM server's live-object histogram goes to the work
     * directory (what each idle session costs, by class), and its native memory summary when the server
     * runs with {@code -XX:NativeMemoryTracking=summary}; with {@code -Dbench.heapDump=true} also a heap dump
     * (.hprof) to follow what holds each session's objects.
     *
     * @return the histogram's file, or null when none was asked for
     */
    Path heapHistogram(String phase) throws IOException, InterruptedException {
        if (jvm() && Boolean.getBoolean("bench.histogram")) {
            Path out = logFile.resolveSibling(logFile.getFileName().toString().replace(".log", "-" + phase
                    + "-histogram.txt"));
            new ProcessBuilder("jcmd", Long.toString(pid()), "GC.class_histogram").redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start().waitFor(60, TimeUnit.SECONDS);
            if (Boolean.getBoolean("bench.heapDump")) {
                Path dump = logFile.resolveSibling(logFile.getFileName().toString().replace(".log", "-" + phase
                        + ".hprof"));
                new ProcessBuilder("jcmd", Long.toString(pid()), "GC.heap_dump", dump.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                        .waitFor(120, TimeUnit.SECONDS);
            }
            // With -XX:NativeMemoryTracking=summary among the server options: what grows beside the heap.
            Path nmt = logFile.resolveSibling(logFile.getFileName().toString().replace(".log", "-" + phase
                    + "-native.txt"));
            new ProcessBuilder("jcmd", Long.toString(pid()), "VM.native_memory", "summary").redirectErrorStream(true)
                    .redirectOutput(nmt.toFile()).start().waitFor(60, TimeUnit.SECONDS);
            return out;
        }
        return null;
    }

    /** Stops the process this contender started (TERM, then KILL after 10 s). */
    void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }
}
