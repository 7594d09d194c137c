package io.sitewatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar's shell in a real terminal (tmux), and with piped input, against the jar's appliance over TLS. */
class ShellTerminalIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern READY = Pattern.compile("ready on (https://\\S+)");

    @TempDir
    Path dataDir;
    JarProcess appliance;
    URI base;

    @BeforeEach
    void serve() throws Exception {
        appliance = JarProcess.start("serve", "--data-dir", dataDir.toString(), "--bind", "127.0.0.1",
                "--https-port", "0", "--http-port", "0");
        Matcher ready = READY.matcher(appliance.awaitLine(l -> READY.matcher(l).find()));
        assertThat(ready.find()).isTrue();
        base = URI.create(ready.group(1));
    }

    @AfterEach
    void stop() throws Exception {
        appliance.terminate();
    }

    String addSite(String id) throws Exception {
        JarProcess added = JarProcess.run("site", "add", id, "--json", "--data-dir", dataDir.toString());
        return JSON.readTree(added.output()).get("token").asText();
    }

    @Test
    void completesALiveSiteIdAndWatchShowsItGoingOnlineAndOffline() throws Exception {
        String token = addSite("yard-1");
        try (Tmux tmux = Tmux.start(110, 32, List.of(javaBin(), "-jar", JarProcess.JAR.toAbsolutePath().toString(),
                "shell", "--data-dir", dataDir.toString()))) {
            tmux.await(l -> l.contains("0/1 sites 0 ops]>"));
            tmux.type("site show y");
            tmux.keys("Tab");
            tmux.await(l -> l.endsWith("]> site show yard-1"));
            tmux.keys("Enter");
            tmux.await(l -> l.matches("state: +offline"));

            tmux.type("watch");
            tmux.keys("Enter");
            tmux.await(l -> l.matches("yard-1 +yard-1 +offline.*"));
            WebSocket site = connectSite(token);
            tmux.await(l -> l.matches("yard-1 +yard-1 +online.*"));
            assertThat(tmux.screen()).contains("1/1 sites online").containsPattern("session-open +site yard-1");
            site.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
            tmux.await(l -> l.matches("yard-1 +yard-1 +offline.*"));
            tmux.await(l -> l.contains("session-end") && l.contains("closed by client"));

            tmux.type("q");
            tmux.await(l -> l.endsWith("0/1 sites 0 ops]>"));
            tmux.keys("C-d");
            long deadline = System.nanoTime() + Tmux.WAIT.toNanos();
            while (!tmux.ended() && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling for the shell to exit, with a deadline
            }
            assertThat(tmux.ended()).as("the shell left on Ctrl-D").isTrue();
        }
    }

    @Test
    void pipedCommandsRunLineByLineWithoutPrompts() throws Exception {
        addSite("yard-1");
        JarProcess shell = JarProcess.start("shell", "--data-dir", dataDir.toString());
        try (OutputStream stdin = shell.process.getOutputStream()) {
            stdin.write("site list\nsite show ghost\nstatus\n".getBytes(StandardCharsets.UTF_8));
        }
        String output = shell.output();
        assertThat(shell.process.exitValue()).isEqualTo(1); // the last command that failed: ghost
        assertThat(output).contains("yard-1", "sitewatch: no site 'ghost'", "sites:     0 online of 1")
                .doesNotContain("]>").doesNotContain("Exception");
    }

    /** A site device: the signaling WebSocket over TLS, trusting the appliance's own CA, and hello. */
    private WebSocket connectSite(String token) throws Exception {
        CompletableFuture<String> welcome = new CompletableFuture<>();
        HttpClient https = HttpClient.newBuilder().sslContext(JarSmokeIT.trusting(dataDir.resolve("tls/ca.pem")))
                .build();
        WebSocket ws = https.newWebSocketBuilder().buildAsync(URI.create(base.toString().replaceFirst("^https",
                "wss") + "/signal"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        if (data.toString().contains("\"welcome\"")) {
                            welcome.complete(data.toString());
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"hello\",\"token\":\"" + token + "\"}", true).get(10, TimeUnit.SECONDS);
        welcome.get(10, TimeUnit.SECONDS);
        return ws;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
