package io.sitewatch.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The built jar as a child process on a free loopback port (plain HTTP: 127.0.0.1 is a secure
 * context, so getUserMedia works), provisioned with its own CLI.
 */
final class AppUnderTest implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final Path dataDir;
    final int port;
    private final List<String> extraArgs;
    private JarProcess process;

    private AppUnderTest(Path dataDir, int port, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /** @param extraArgs more {@code serve} arguments, e.g. {@code --set recordings.chunk-seconds=2} */
    static AppUnderTest start(Path dataDir, String... extraArgs) throws Exception {
        return start(dataDir, freePort(), extraArgs);
    }

    /** On a given port, with more `serve` arguments (e.g. a standby's). */
    static AppUnderTest start(Path dataDir, int port, String... serveArgs) throws Exception {
        AppUnderTest app = new AppUnderTest(dataDir, port, List.of(serveArgs));
        app.launch();
        return app;
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Registers a site and returns its token. */
    String site(String id) throws Exception {
        return cli("site", "add", id, "--name", "Site " + id, "--json").get("token").asText();
    }

    /** Adds an operator with this password. */
    void operator(String name, String password) throws Exception {
        JarProcess p = JarProcess.runWithInput(password + "\n", "operator", "add", name, "--password-stdin",
                "--data-dir", dataDir.toString());
        if (p.process.exitValue() != 0) {
            throw new IllegalStateException("operator add failed: " + p.output());
        }
    }

    /** An operator token, e.g. for wall mode. */
    String operatorToken(String name) throws Exception {
        return cli("operator", "token", name, "--json").get("token").asText();
    }

    JsonNode cli(String... args) throws Exception {
        String[] full = java.util.Arrays.copyOf(args, args.length + 2);
        full[args.length] = "--data-dir";
        full[args.length + 1] = dataDir.toString();
        JarProcess p = JarProcess.run(full);
        String out = p.output();
        if (p.process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed: " + out);
        }
        return JSON.readTree(out);
    }

    /** Kills the appliance without warning (SIGKILL) and starts it again on the same port and data. */
    void killAndRestart() throws Exception {
        kill();
        restart();
    }

    /** SIGKILL: the appliance is down until {@link #restart()}. */
    void kill() throws Exception {
        process.kill();
    }

    void restart() throws Exception {
        launch();
    }

    private void launch() throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--no-tls", "--bind", "127.0.0.1", "--http-port",
                Integer.toString(port), "--data-dir", dataDir.toString(), "--set", "auth.password-iterations=1000"));
        args.addAll(extraArgs);
        process = JarProcess.start(args.toArray(String[]::new));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + JarProcess.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.process.isAlive()) {
                throw new IllegalStateException("appliance exited:\n" + String.join("\n", process.lines));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("appliance not healthy:\n" + String.join("\n", process.lines));
    }

    String log() {
        return String.join("\n", process.lines);
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.process.isAlive()) {
            process.terminate();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
