package io.sitewatch.faults.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.it.TestAppliance;
import io.sitewatch.faults.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Victims: site/operator pairs relaying candidate-sized messages both ways at a steady rate, each
 * message numbered and stamped with its send time. Receivers check the numbers (nothing lost,
 * nothing twice, in order) and record the relay latency under the phase the message was sent in.
 */
final class PairTraffic implements AutoCloseable {

    static final String CANDIDATE = "{\"candidate\":\"candidate:3884287427 1 udp 2113937151 192.168.1.23 51472 typ host"
            + " generation 0 ufrag Qx7f network-cost 999\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,"
            + "\"usernameFragment\":\"Qx7f\"}";

    /** One side of a pair: what it sent to its peer and what it got from it. */
    static final class Endpoint implements LeanClient.Listener {
        final String name;
        final CompletableFuture<String> peerSession = new CompletableFuture<>();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong gaps = new AtomicLong();
        final AtomicLong unexpected = new AtomicLong();
        private final String peerId;
        private final PairTraffic traffic;
        private long lastSeq;
        LeanClient client;

        Endpoint(String name, String peerId, PairTraffic traffic) {
            this.name = name;
            this.peerId = peerId;
            this.traffic = traffic;
        }

        @Override
        public void message(LeanClient from, JsonNode m, long now) {
            switch (m.path("type").asText()) {
                case "candidate" -> onRelayed(m, now);
                case "watcher" -> {
                    if ("joined".equals(m.path("event").asText())) {
                        peerSession.complete(m.path("peer").path("sessionId").asText());
                    }
                }
                case "presence", "control", "pong" -> { }
                default -> unexpected.incrementAndGet();
            }
        }

        private synchronized void onRelayed(JsonNode m, long now) {
            long seq = m.get("seq").asLong();
            if (seq <= lastSeq) {
                duplicates.incrementAndGet();
                return;
            }
            if (seq != lastSeq + 1) {
                gaps.addAndGet(seq - lastSeq - 1);
            }
            lastSeq = seq;
            received.incrementAndGet();
            traffic.latency(m.get("ph").asInt(), (now - m.get("sentNs").asLong()) / 1000);

        }

        void send(int phase) {
            long seq = sent.incrementAndGet();
            client.send("{\"type\":\"candidate\",\"to\":\"" + peerSession.join() + "\",\"candidate\":" + CANDIDATE
                    + ",\"seq\":" + seq + ",\"sentNs\":" + System.nanoTime() + ",\"ph\":" + phase + "}");
        }

        void findPeer(JsonNode welcome) {
            for (JsonNode peer : welcome.path("peers")) {
                if (peer.path("id").asText().equals(peerId)) {
                    peerSession.complete(peer.path("sessionId").asText());
                }
            }
        }
    }

    final List<Endpoint> endpoints = new ArrayList<>();
    private final Latencies[] latencies;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private volatile int phase = -1;

    private PairTraffic(int phases) {
        latencies = new Latencies[phases];
        for (int i = 0; i < phases; i++) {
            latencies[i] = new Latencies();
        }
    }

    /** Connects {@code pairs} sites and operators, each operator watching its site, and waits until they know each other. */
    static PairTraffic connect(TestAppliance app, WebSocketClient ws, int pairs, int phases) throws Exception {
        PairTraffic traffic = new PairTraffic(phases);
        List<Endpoint> sites = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            Endpoint site = new Endpoint("v-site-" + i, "v-op-" + i, traffic);
            site.client = LeanClient.connect(ws, app.signal(), site.name, site);
            site.client.hello(Secrets.issued(app.site(site.name)), null);
            sites.add(site);
        }
        for (int i = 0; i < pairs; i++) {
            Endpoint op = new Endpoint("v-op-" + i, "v-site-" + i, traffic);
            op.client = LeanClient.connect(ws, app.signal(), op.name, op);
            op.findPeer(op.client.hello(Secrets.issued(app.operator(op.name)), null));
            op.client.send("{\"type\":\"watch\",\"sites\":[\"v-site-" + i + "\"]}");
            traffic.endpoints.add(sites.get(i));
            traffic.endpoints.add(op);
        }
        for (Endpoint e : traffic.endpoints) {
            e.peerSession.get(LeanClient.WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        return traffic;
    }

    /** Every endpoint sends {@code perSecond} messages a second to its peer, from now until {@link #close()}. */
    void start(int perSecond) {
        long started = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            long due = (System.nanoTime() - started) * perSecond / 1_000_000_000L;
            int p = phase;
            for (Endpoint e : endpoints) {
                while (e.sent.get() < due) {
                    e.send(p);
                }
            }
        }, 0, 5, TimeUnit.MILLISECONDS);
    }

    /** Messages sent from now on count under this phase (-1: not measured). */
    void phase(int phase) {
        this.phase = phase;
    }

    Latencies latencies(int phase) {
        return latencies[phase];
    }

    private void latency(int phase, long micros) {
        if (phase >= 0) {
            latencies[phase].add(micros);
        }
    }

    /** Stops sending and waits until every message sent has arrived or {@code timeoutMs} passed. */
    void stop(long timeoutMs) throws InterruptedException {
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline && lost() > 0) {
            Thread.sleep(20);
        }
    }

    long sent() {
        return endpoints.stream().mapToLong(e -> e.sent.get()).sum();
    }

    long received() {
        return endpoints.stream().mapToLong(e -> e.received.get()).sum();
    }

    long lost() {
        return sent() - received();
    }

    long duplicates() {
        return endpoints.stream().mapToLong(e -> e.duplicates.get()).sum();
    }

    long gaps() {
        return endpoints.stream().mapToLong(e -> e.gaps.get()).sum();
    }

    long unexpected() {
        return endpoints.stream().mapToLong(e -> e.unexpected.get()).sum();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        endpoints.forEach(e -> e.client.close());
    }
}
