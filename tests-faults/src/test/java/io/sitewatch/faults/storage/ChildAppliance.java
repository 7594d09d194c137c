package io.sitewatch.faults.storage;

import io.sitewatch.faults.Secrets;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The shaded jar ({@code sitewatch.jar}) serving one data directory as a child process, plain HTTP on a fixed
 * loopback port so clients reconnect to the same URL after a restart. Its output goes to a file under
 * {@link Secrets#logs()}, which the secrets check greps. Only processes started here are ever killed, by their
 * handle; a JVM shutdown hook kills any still running if the test run dies.
 */
public final class ChildAppliance implements AutoCloseable {

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "kill-child-appliances"));
    }

    private final Path dataDir;
    private final int port;
    private final Path log;
    private final List<String> settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    /** @param settings extra {@code --set key=value} pairs */
    public ChildAppliance(Path dataDir, int port, String logName, List<String> settings) throws IOException {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.log = Secrets.logs().resolve(logName);
        this.settings = List.copyOf(settings);
        Files.createDirectories(log.getParent());
    }

    /** A loopback port free now; the child binds it on every start. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("sitewatch.jar", "../installer/target/sitewatch.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build the installer module first");
        }
        return jar;
    }

    /** Spawns the process without waiting for it to serve. */
    public ChildAppliance spawn() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // C1 only and the serial collector: a start costs a third of the default on a busy 2-core box.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-jar", jar().toString(), "serve", "--no-tls", "--bind", "127.0.0.1",
                "--http-port", Integer.toString(port), "--https-port", "0", "--data-dir", dataDir.toString(),
                "--set", "discovery.mdns=false"));
        for (String setting : settings) {
            command.add("--set");
            command.add(setting);
        }
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        RUNNING.add(process);
        return this;
    }

    /** Waits until {@code /healthz} answers 200; fails with the log's tail if the process dies first. */
    public ChildAppliance awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the appliance exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url("/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the appliance was not ready within " + timeout + ":\n" + tail());
    }

    public ChildAppliance start() throws Exception {
        return spawn().awaitReady(Duration.ofSeconds(60));
    }

    /** kill -9 by this process's own handle. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new AssertionError("pid " + process.pid() + " survived SIGKILL");
            }
            RUNNING.remove(process);
        }
    }

    /**
     * SIGTERM starts the graceful stop (sessions closed, WAL checkpointed); SIGKILL lands {@code afterMs} later.
     *
     * @return true if the SIGKILL was needed, false if the stop had finished already
     */
    public boolean terminateThenKill(long afterMs) throws InterruptedException {
        process.destroy();
        boolean stopped = process.waitFor(afterMs, TimeUnit.MILLISECONDS);
        if (!stopped) {
            kill();
        }
        RUNNING.remove(process);
        return !stopped;
    }

    /** A graceful stop (SIGTERM), waited for. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
        RUNNING.remove(process);
        return process.exitValue();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public URI signal() {
        return URI.create("ws://127.0.0.1:" + port + "/signal");
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path adminSocket() {
        return dataDir.resolve("admin.sock");
    }

    public Path log() {
        return log;
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    @Override
    public void close() throws InterruptedException {
        if (alive()) {
            kill();
        }
    }
}
