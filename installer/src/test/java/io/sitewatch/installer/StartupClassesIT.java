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
 * What {@code java -jar sitewatch.jar serve --no-tls} loads on its way to {@code /healthz} 200 and back down, as the
 * benchmark starts it (issue 11: under 1.5 s on a 2-core box, where each class loaded costs). Classes, not time: the
 * libraries a plain start must not touch, and a ceiling on the count with room for growth.
 */
class StartupClassesIT {

    /** About 4,450 with Java 17 (4,665 before issue 11's start-up work); raise it on purpose, not by accident. */
    static final int MAX_CLASSES = 4_800;
    static final Path JAR = Shell.DEB.resolveSibling("sitewatch.jar");
    static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void aPlainStartLoadsNeitherJmxNorTlsNorTomlAndStaysUnderTheClassCeiling() throws Exception {
        Path log = dir.resolve("classes.log");
        List<String> loaded = serveUntilHealthy(log);

        assertThat(loaded).as("the platform MBean server (Jetty asks it for UseCompressedOops unless told)")
                .noneMatch(c -> c.equals("javax.management.MBeanServer") || c.startsWith("com.sun.jmx.mbeanserver.Jmx"));
        assertThat(loaded).as("TLS (BouncyCastle) with --no-tls").noneMatch(c -> c.startsWith("org.bouncycastle."));
        assertThat(loaded).as("TOML without a config file")
                .noneMatch(c -> c.startsWith("com.fasterxml.jackson.dataformat.toml."));
        assertThat(loaded).as("the serve command alone, not the whole command tree")
                .noneMatch(c -> c.startsWith("io.sitewatch.cli.commands.ShellCommand"));
        assertThat(loaded).as("classes loaded by a start to /healthz and a stop").hasSizeLessThan(MAX_CLASSES);
    }

    /** Starts the jar with class loading logged, waits for /healthz 200, stops it; the classes it loaded. */
    private List<String> serveUntilHealthy(Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = dir.resolve("server.out");
        Process server = new ProcessBuilder(java, "-Xlog:class+load=info:file=" + log + ":uptime", "-jar",
                JAR.toString(), "serve", "--no-tls", "--bind", "127.0.0.1", "--http-port", "0", "--data-dir",
                dir.resolve("data").toString()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            URI health = URI.create("http://127.0.0.1:" + port(server, output) + "/healthz");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        return Files.readAllLines(log).stream().map(line -> line.split(" ")).filter(f -> f.length > 1)
                .map(f -> f[1]).toList();
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
