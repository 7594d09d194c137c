package io.sitewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.Appliance;
import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.appliance.registry.Registry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands about live state, and watch, against a real appliance with real sites and operators connected. */
class LiveCommandsIT {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;
    Appliance appliance;
    WebSocketClient ws;
    String siteToken;
    String annToken;

    @BeforeEach
    void start() throws Exception {
        appliance = Appliance.start(dataDir, ConfigLoader.load(null, Map.of(), Map.of("http.tls", "false",
                "http.bind", "127.0.0.1", "http.http-port", "0", "auth.password-iterations", "1000")),
                Clock.systemUTC());
        siteToken = appliance.registry().addSite(new Registry.SiteSpec("yard-1", "North yard", null, null)).token();
        appliance.registry().addOperator("ann", "password-ann", null);
        annToken = appliance.registry().issueOperatorToken("ann", null).token();
        ws = new WebSocketClient();
        ws.start();
    }

    @AfterEach
    void stop() throws Exception {
        ws.stop();
        appliance.close();
    }

    CliIT.Result run(String... args) {
        return CliIT.runIn(dataDir, args);
    }

    @Test
    void linksControlRoomsKickAndReleaseShowAndChangeWhatIsConnected() throws Exception {
        try (SignalPeer site = SignalPeer.join(ws, appliance.baseUrl(), siteToken);
             SignalPeer ann = SignalPeer.join(ws, appliance.baseUrl(), annToken)) {
            ann.send("watch", "sites", List.of("yard-1"));
            ann.send("claim", "site", "yard-1");
            ann.send("join-room", "room", "ops");
            ann.send("status", "peer", site.sessionId, "state", "connected", "stats",
                    Map.of("route", "relay", "kbpsIn", 1200, "fps", 30, "rttMs", 42));
            ann.sync();

            assertThat(run("links").out()).containsSubsequence("ann", "yard-1", "connected", "relay", "1200", "30",
                    "42");
            assertThat(run("control").out()).containsSubsequence("yard-1", "ann", ann.sessionId);
            assertThat(run("rooms").out()).containsSubsequence("ops", "1/6", "ann (" + ann.sessionId + ")");
            assertThat(run("sessions").out()).contains(site.sessionId, ann.sessionId);
            assertThat(run("status").out()).contains("1 online of 1", "1 online, 1 registered");

            assertThat(run("release", "yard-1").out()).isEqualTo("released yard-1 (ann no longer controls it)\n");
            assertThat(ann.next("control").get("primary").isNull()).isTrue();
            assertThat(run("release", "yard-1").out()).isEqualTo("yard-1 has no primary; nothing to release\n");

            CliIT.Result kicked = run("kick", site.sessionId);
            assertThat(kicked.out()).isEqualTo("kicked site yard-1 (session " + site.sessionId + ")\n");
            assertThat(run("events", "--since", "5m").out()).contains("session-open", "watch", "control",
                    "link-state", "room-join", "kicked by admin");
        }
    }

    @Test
    void watchPrintsSitesGoingOnlineAndOfflineAsTheyHappen() throws Exception {
        SyncWriter out = new SyncWriter();
        Thread watcher = new Thread(() -> Main.run(new String[] {"watch", "--plain", "--data-dir", dataDir.toString()},
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true)), "watch");
        watcher.start();
        try {
            out.await(l -> l.contains("0/1 sites online"));
            try (SignalPeer site = SignalPeer.join(ws, appliance.baseUrl(), siteToken)) {
                out.await(l -> l.contains("session-open") && l.contains("site yard-1"));
            }
            out.await(l -> l.contains("session-end") && l.contains("site yard-1"));
        } finally {
            watcher.interrupt();
            watcher.join(WAIT.toMillis());
        }
        assertThat(watcher.isAlive()).isFalse();
    }

    @Test
    void watchJsonStreamsEventsWithTheirFactsAndLinkStatistics() throws Exception {
        SyncWriter out = new SyncWriter();
        Thread watcher = new Thread(() -> Main.run(new String[] {"watch", "--json", "--data-dir", dataDir.toString()},
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true)), "watch");
        watcher.start();
        try (SignalPeer ann = SignalPeer.join(ws, appliance.baseUrl(), annToken)) {
            try (SignalPeer site = SignalPeer.join(ws, appliance.baseUrl(), siteToken)) {
                ann.send("watch", "sites", List.of("yard-1"));
                ann.send("status", "peer", site.sessionId, "state", "connecting");
                // The stream opens at some point after the thread starts: report until a report shows up in it.
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!out.text().contains("\"link-stats\"") && System.nanoTime() < deadline) {
                    ann.send("status", "peer", site.sessionId, "state", "connecting", "stats", Map.of("fps", 12));
                    ann.sync();
                }
                out.await(l -> l.contains("\"link-stats\"") && l.contains("\"fps\":12"));
            }
            out.await(l -> l.contains("\"session-end\"") && l.contains("\"role\":\"site\"")
                    && l.contains("\"id\":\"yard-1\""));
        } finally {
            watcher.interrupt();
            watcher.join(WAIT.toMillis());
        }
        assertThat(watcher.isAlive()).isFalse();
    }

    @Test
    void siteUrlIssuesATokenThatWorksAndRetiresTheOldOne() throws Exception {
        CliIT.Result url = run("site", "url", "yard-1", "--rotate", "--json");
        assertThat(url.exit()).as(url.err()).isZero();
        String token = url.json().get("token").asText();
        assertThat(url.json().get("url").asText()).isEqualTo(appliance.baseUrl() + "/site/?token=" + token
                + "&autostart=1");
        assertThat(appliance.credentials().authenticate(token)).isPresent();
        assertThat(appliance.credentials().authenticate(siteToken)).isEmpty();
        assertThat(run("site", "url", "yard-1").err()).contains("pass --rotate");
    }

    @Test
    void statusConfigAndTheCaOfAnApplianceWithAndWithoutItsOwnTls(@TempDir Path tlsDir) throws Exception {
        CliIT.Result status = run("status");
        assertThat(status.out()).contains("(HTTP, no TLS)", "admin:     " + appliance.adminSocket(),
                "data:      " + appliance.dataDir());
        assertThat(run("config", "show").out()).contains("tls = false");
        CliIT.Result noCa = run("cert", "export-ca");
        assertThat(noCa.exit()).isEqualTo(1);
        assertThat(noCa.err()).contains("no CA of its own").hasLineCount(1);

        try (Appliance tls = Appliance.start(tlsDir, ConfigLoader.load(null, Map.of(), Map.of("http.bind",
                "127.0.0.1", "http.https-port", "0", "http.http-port", "0")), Clock.systemUTC())) {
            assertThat(CliIT.runIn(tlsDir, "cert", "export-ca").out())
                    .isEqualTo(Files.readString(tls.caFile().orElseThrow()));
            assertThat(CliIT.runIn(tlsDir, "status").out()).contains("(HTTPS)", "devices: " + tls.deviceUrl());
        }
    }

    /** A writer other threads print to while the test reads what arrived so far. */
    static final class SyncWriter extends StringWriter {
        @Override
        public synchronized void write(String str, int off, int len) {
            super.write(str, off, len);
        }

        @Override
        public synchronized void write(char[] cbuf, int off, int len) {
            super.write(cbuf, off, len);
        }

        @Override
        public synchronized void write(int c) {
            super.write(c);
        }

        synchronized String text() {
            return toString();
        }

        void await(Predicate<String> line) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                if (text().lines().anyMatch(line)) {
                    return;
                }
                Thread.sleep(10); // polling output with a deadline
            }
            throw new AssertionError("no such line within " + WAIT + ":\n" + text());
        }
    }
}
