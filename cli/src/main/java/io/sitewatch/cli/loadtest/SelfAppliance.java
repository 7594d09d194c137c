package io.sitewatch.cli.loadtest;

import io.sitewatch.appliance.admin.AdminServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code loadtest --self}: a fresh appliance on a temporary data directory, in a JVM of its own so that the
 * CPU and memory it reports are the appliance's and not the load generator's. Plain {@code ws://} on
 * loopback; the directory is deleted when it stops.
 */
public final class SelfAppliance implements AutoCloseable {

    private static final long START_WAIT_MS = 60_000;

    private final Path dataDir;
    private final Process process;

    private SelfAppliance(Path dataDir, Process process) {
        this.dataDir = dataDir;
        this.process = process;
    }

    /** Starts {@code sitewatch serve} with these extra config settings and waits for its admin socket. */
    public static SelfAppliance start(Map<String, String> settings) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("sitewatch-loadtest-");
        List<String> command = new ArrayList<>(List.of(javaCommand(), "-cp", System.getProperty("java.class.path"),
                "io.sitewatch.cli.Main", "serve", "--data-dir", dir.toString(), "--no-tls", "--bind", "127.0.0.1",
                "--http-port", "0", "--https-port", "0", "--set", "auth.password-iterations=1000"));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        Path log = dir.resolve("appliance.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SelfAppliance self = new SelfAppliance(dir, process);
        try {
            self.awaitSocket(log);
            return self;
        } catch (IOException | InterruptedException | RuntimeException e) {
            self.close();
            throw e;
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    private void awaitSocket(Path log) throws IOException, InterruptedException {
        Path socket = dataDir.resolve(AdminServer.SOCKET_NAME);
        long deadline = System.currentTimeMillis() + START_WAIT_MS;
        while (!Files.exists(socket)) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                String output = Files.exists(log) ? Files.readString(log).strip() : "";
                throw new IOException("the appliance did not start" + (output.isEmpty() ? ""
                        : ": " + output.lines().reduce((a, b) -> b).orElse("")));
            }
            Thread.sleep(50); // a child process gives no other signal than its socket appearing
        }
    }

    /** Stops the appliance (as a service stop would: SIGTERM) and deletes its data directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; the OS cleans up what is left
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
