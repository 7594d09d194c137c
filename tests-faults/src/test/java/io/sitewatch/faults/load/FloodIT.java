package io.sitewatch.faults.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.it.TestAppliance;
import io.sitewatch.appliance.signal.SignalViews.SessionView;
import io.sitewatch.faults.Figures;
import io.sitewatch.faults.Secrets;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phase 4 (issue 10): one attacker floods at 10,000 messages a second, then clients stop reading,
 * while 20 site/operator pairs relay as usual. The attacker is limited and closed (4008), readers
 * that stop are dropped and their sockets closed, and the victims lose nothing and keep their
 * latency: p99 within 1.5x of the baseline. Baseline and attack windows alternate in the same run,
 * so load from elsewhere on the machine falls on both alike.
 */
class FloodIT {

    private static final int PAIRS = 20;
    private static final int PER_SECOND = 25;
    private static final int FLOOD_PER_SECOND = 10_000;
    private static final int BASELINE = 0;
    private static final int FLOOD = 1;
    private static final int STALL = 2;
    private static final long WINDOW_MS = 250;
    /** Differences under this many milliseconds are scheduling noise on a shared machine, not a slowdown. */
    private static final double NOISE_MS = 5.0;

    @Test
    void floodAndSlowConsumersLeaveVictimsAlone(@TempDir Path dir) throws Exception {
        int floodWindows = Figures.scale(16, 80);
        int slowConsumers = Figures.scale(2, 10);
        Figures figures = Figures.of("phase4-flood");
        WebSocketClient ws = new WebSocketClient();
        ws.start();
        try (TestAppliance app = TestAppliance.start(dir, Map.of("http.tls", "false"));
             PairTraffic victims = PairTraffic.connect(app, ws, PAIRS, 3)) {
            victims.start(PER_SECOND);
            Thread.sleep(2_000); // warm-up, not measured

            String target = victims.endpoints.get(0).client.sessionId;
            String flood = "{\"type\":\"candidate\",\"to\":\"" + target + "\",\"candidate\":" + PairTraffic.CANDIDATE
                    + ",\"seq\":1,\"sentNs\":1,\"ph\":1}";
            RawFlooder attacker = new RawFlooder(app.signal(), Secrets.issued(app.operator("mallory")), flood,
                    FLOOD_PER_SECOND);
            attacker.paused(true);
            attacker.start();
            long floodStarted = 0;
            long floodMs = 0;
            for (int i = 0; i < floodWindows; i++) {
                victims.phase(BASELINE);
                Thread.sleep(WINDOW_MS);
                long sentBefore = attacker.sent.get();
                long start = System.nanoTime();
                victims.phase(FLOOD);
                attacker.paused(false);
                Thread.sleep(WINDOW_MS);
                attacker.paused(true);
                floodMs += (System.nanoTime() - start) / 1_000_000;
                floodStarted += attacker.sent.get() - sentBefore;
            }
            attacker.close();

            List<SlowConsumer> slow = new ArrayList<>();
            for (int i = 0; i < slowConsumers; i++) {
                victims.phase(BASELINE);
                Thread.sleep(WINDOW_MS);
                victims.phase(STALL);
                SlowConsumer s = SlowConsumer.start(app, ws, i);
                slow.add(s);
                s.dropped.get(20, TimeUnit.SECONDS);
            }
            victims.phase(BASELINE);
            Thread.sleep(WINDOW_MS);
            victims.stop(10_000);
            for (SlowConsumer s : slow) {
                s.socketGone.get(10, TimeUnit.SECONDS);
                s.close();
            }

            double base = victims.latencies(BASELINE).percentileMs(99);
            double flooded = victims.latencies(FLOOD).percentileMs(99);
            double stalled = victims.latencies(STALL).percentileMs(99);
            figures.put("pairs", PAIRS).put("relayed", victims.received()).put("lost", victims.lost())
                    .put("duplicates", victims.duplicates()).put("outOfOrder", victims.gaps())
                    .put("p50BaselineMs", victims.latencies(BASELINE).percentileMs(50))
                    .put("p99BaselineMs", base).put("p99FloodMs", flooded).put("p99SlowConsumerMs", stalled)
                    .put("floodRatio", flooded / base).put("slowConsumerRatio", stalled / base)
                    .put("attackerSent", attacker.sent.get())
                    .put("attackerRatePerSecond", floodStarted * 1000 / Math.max(1, floodMs))
                    .put("attackerSessions", attacker.sessions.get())
                    .put("attackerRateLimitedErrors", attacker.rateLimited.get())
                    .put("attackerOtherErrors", attacker.otherErrors.get())
                    .put("attackerClosed4008", attacker.closes(4008))
                    .put("slowConsumers", slow.size())
                    .put("slowConsumerDroppedAfterMaxMs", slow.stream().mapToLong(s -> s.dropped.join()).max().orElse(-1))
                    .put("slowConsumerSocketClosedAfterMaxMs",
                            slow.stream().mapToLong(s -> s.socketGone.join()).max().orElse(-1))
                    .put("slowConsumerOffersSent", slow.stream().mapToLong(s -> s.offersSent.get()).sum()).report();

            assertThat(victims.lost()).as("victim messages lost").isZero();
            assertThat(victims.duplicates()).as("victim messages duplicated").isZero();
            assertThat(victims.gaps()).as("victim messages out of order").isZero();
            assertThat(victims.unexpected()).as("victims saw errors or other surprises").isZero();
            assertThat(attacker.rateLimited.get()).as("rate-limited errors to the attacker").isPositive();
            assertThat(attacker.closes(4008)).as("attacker sessions closed with 4008").isPositive();
            assertThat(floodStarted * 1000 / Math.max(1, floodMs)).as("the attacker's rate")
                    .isGreaterThan(FLOOD_PER_SECOND / 2L); // what a starved test machine still manages
            assertThat(flooded).as("victim p99 under flood vs baseline %.2f ms", base)
                    .isLessThanOrEqualTo(Math.max(1.5 * base, base + NOISE_MS));
            assertThat(stalled).as("victim p99 with a reader that stopped vs baseline %.2f ms", base)
                    .isLessThanOrEqualTo(Math.max(1.5 * base, base + NOISE_MS));
        } finally {
            ws.stop();
        }
    }

    /**
     * An operator that stops reading after {@code welcome} (tiny receive buffer), and a site sending it
     * SDP-sized offers within the rate limit. Completes {@link #dropped} when the server gives up on
     * the operator's connection and {@link #socketGone} when the kernel no longer holds its socket.
     */
    static final class SlowConsumer implements AutoCloseable {
        private static final int OFFER_BYTES = 32 * 1024;
        private static final int OFFERS_PER_SECOND = 80;

        final AtomicLong offersSent = new AtomicLong();
        final CompletableFuture<Long> dropped = new CompletableFuture<>();
        final CompletableFuture<Long> socketGone = new CompletableFuture<>();
        private final Socket socket;
        private final LeanClient hose;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        private SlowConsumer(Socket socket, LeanClient hose) {
            this.socket = socket;
            this.hose = hose;
        }

        static SlowConsumer start(TestAppliance app, WebSocketClient ws, int n) throws Exception {
            String site = "hose-" + n;
            String siteToken = Secrets.issued(app.site(site));
            String slothToken = Secrets.issued(app.operator("sloth-" + n));
            CompletableFuture<String> sloth = new CompletableFuture<>();
            LeanClient hose = LeanClient.connect(ws, app.signal(), site, (c, m, now) -> {
                if ("watcher".equals(m.path("type").asText()) && "joined".equals(m.path("event").asText())) {
                    sloth.complete(m.path("peer").path("sessionId").asText());
                }
            });
            hose.hello(siteToken, null);

            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(app.signal().getHost(), app.signal().getPort()));
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            RawFrames.upgrade(app.signal(), in, socket.getOutputStream());
            socket.getOutputStream().write(RawFrames.text("{\"type\":\"hello\",\"token\":\"" + slothToken + "\"}"));
            JsonNode welcome = LeanClient.JSON.readTree(RawFrames.read(in).text());
            assertThat(welcome.path("type").asText()).isEqualTo("welcome");
            String slothSession = welcome.get("sessionId").asText();
            socket.getOutputStream().write(RawFrames.text("{\"type\":\"watch\",\"sites\":[\"" + site + "\"]}"));
            // from here on the operator never reads again

            SlowConsumer slow = new SlowConsumer(socket, hose);
            String to = sloth.get(10, TimeUnit.SECONDS);
            String offer = "{\"type\":\"offer\",\"to\":\"" + to + "\",\"sdp\":\"v=0\\r\\n" + "a".repeat(OFFER_BYTES) + "\"}";
            long started = System.nanoTime();
            int port = app.appliance.port();
            int slothPort = socket.getLocalPort();
            slow.timer.scheduleAtFixedRate(() -> {
                long ms = (System.nanoTime() - started) / 1_000_000;
                if (!slow.dropped.isDone()) {
                    hose.send(offer);
                    slow.offersSent.incrementAndGet();
                    if (!connected(app, slothSession)) {
                        slow.dropped.complete(ms);
                    }
                } else if (!ServerSockets.holds(port, slothPort)) {
                    slow.socketGone.complete(ms);
                    slow.timer.shutdown();
                }
            }, 0, 1000 / OFFERS_PER_SECOND, TimeUnit.MILLISECONDS);
            return slow;
        }

        private static boolean connected(TestAppliance app, String sessionId) {
            return app.appliance.core().sessions().stream()
                    .filter(s -> s.sessionId().equals(sessionId)).anyMatch(SessionView::connected);
        }

        @Override
        public void close() throws Exception {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
            hose.close();
            socket.close();
        }
    }
}
