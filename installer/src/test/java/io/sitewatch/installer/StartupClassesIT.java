package io.sitewatch.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code java -jar sitewatch.jar serve --no-tls} loads on its way to {@code /healthz} 200, as the benchmark starts
 * it (issue 11: under 1.5 s on a 2-core box, where each class loaded costs). Classes, not time: the libraries a plain
 * start must not touch, what waits until after it, and a ceiling on the count with room for growth.
 */
class StartupClassesIT {

    /** About 4,070 with Java 17 (4,630 before issue 11's start-up work); raise it on purpose, not by accident. */
    static final int MAX_CLASSES = 4_300;
    static final Path JAR = Shell.DEB.resolveSibling("sitewatch.jar");
    static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void aPlainStartLoadsNeitherJmxNorTlsNorTomlAndStaysUnderTheClassCeiling() throws Exception {
        Path log = dir.resolve("classes.log");
        double healthySeconds = serveUntilHealthy(log);
        List<Loaded> loaded = Files.readAllLines(log).stream().map(Loaded::parse).toList();
        // The JVM's clock starts after the process does, so this holds every class loaded before the 200 came.
        List<String> beforeHealthy = loaded.stream().filter(c -> c.uptime() <= healthySeconds).map(Loaded::name).toList();
        List<String> all = loaded.stream().map(Loaded::name).toList();

        assertThat(all).as("the platform MBean server (Jetty asks it for UseCompressedOops unless told)")
                .noneMatch(c -> c.equals("javax.management.MBeanServer") || c.startsWith("com.sun.jmx.mbeanserver.Jmx"));
        assertThat(all).as("TLS (BouncyCastle) with --no-tls").noneMatch(c -> c.startsWith("org.bouncycastle."));
        assertThat(all).as("TOML without a config file")
                .noneMatch(c -> c.startsWith("com.fasterxml.jackson.dataformat.toml."));
        assertThat(all).as("the serve command alone, not the whole command tree")
                .noneMatch(c -> c.startsWith("io.sitewatch.cli.commands.ShellCommand"));
        assertThat(beforeHealthy).as("the jar mounted as a file system for the web apps' files, before /healthz")
                .noneMatch(c -> c.startsWith("jdk.nio.zipfs."));
        assertThat(beforeHealthy).as("classes loaded before /healthz answered").hasSizeLessThan(MAX_CLASSES);
    }

    /** One line of {@code -Xlog:class+load:file=...:uptime}: {@code [0.123s] name source: ...}. */
    record Loaded(double uptime, String name) {
        static Loaded parse(String line) {
            String[] f = line.split(" ");
            return new Loaded(Double.parseDouble(f[0].substring(1, f[0].length() - 2)), f[1]);
        }
    }

    /** Starts the jar with class loading logged, waits for /healthz 200, stops it; seconds from start to the 200. */
    private double serveUntilHealthy(Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = dir.resolve("server.out");
        long started = System.nanoTime();
        Process server = new ProcessBuilder(java, "-Xlog:class+load=info:file=" + log + ":uptime", "-jar",
                JAR.toString(), "serve", "--no-tls", "--bind", "127.0.0.1", "--http-port", "0", "--data-dir",
                dir.resolve("data").toString()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            URI health = URI.create("http://127.0.0.1:" + port(server, output) + "/healthz");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            return seconds;
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The HTTP port from the server's "listening on" line (it binds port 0). */
    private static int port(Process server, Path output) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String seen = Files.readString(output);
            Matcher m = LISTENING.matcher(seen);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!server.isAlive()) {
                throw new AssertionError("the server ended with " + server.exitValue() + ":\n" + seen);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the server did not listen within 60 s:\n" + Files.readString(output));
    }
}
