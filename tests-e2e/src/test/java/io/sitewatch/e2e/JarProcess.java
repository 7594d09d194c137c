package io.sitewatch.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The built fat jar as a child process, with its output collected line by line. Stopped by PID only. */
final class JarProcess implements AutoCloseable {

    static final Path JAR = Path.of(System.getProperty("sitewatch.jar", "../installer/target/sitewatch.jar"));
    static final Duration WAIT = Duration.ofSeconds(30);

    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    private JarProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "jar-output");
        reader.setDaemon(true);
        reader.start();
    }

    static JarProcess start(String... args) throws IOException {
        return startWithInput(null, args);
    }

    /** Starts the jar with this text on its standard input (e.g. a password for --password-stdin). */
    static JarProcess startWithInput(String input, String... args) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("build the jar first: " + JAR.toAbsolutePath());
        }
        List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        JarProcess p = new JarProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        if (input != null) {
            try (var stdin = p.process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        return p;
    }

    /** Runs a one-shot command to completion. */
    static JarProcess run(String... args) throws Exception {
        return runWithInput(null, args);
    }

    static JarProcess runWithInput(String input, String... args) throws Exception {
        JarProcess p = startWithInput(input, args);
        if (!p.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            p.close();
            throw new AssertionError("timed out: " + List.of(args));
        }
        p.process.getInputStream().close();
        return p;
    }

    String awaitLine(Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive() && lines.stream().noneMatch(wanted)) {
                throw new AssertionError("process exited " + process.exitValue() + ":\n" + String.join("\n", lines));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching line within " + WAIT + ":\n" + String.join("\n", lines));
    }

    String output() throws InterruptedException {
        process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        return String.join("\n", lines);
    }

    /** SIGKILL: no shutdown hooks, nothing flushed; for crash tests. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** SIGTERM, then wait for a graceful exit. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not stop on SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
