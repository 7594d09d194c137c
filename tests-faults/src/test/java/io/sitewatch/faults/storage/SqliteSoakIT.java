package io.sitewatch.faults.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.it.TestAppliance;
import io.sitewatch.appliance.it.WsClient;
import io.sitewatch.faults.Figures;
import io.sitewatch.faults.Secrets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

/**
 * Phase 8, SQLite under a soak: many writers at once (site hellos, link-state status reports, watch changes,
 * durable chunk uploads) while admins read (event streams as {@code sitewatch watch} follows them, and polls of
 * events, sessions, status and recordings). No SQLITE_BUSY may reach a client or the log, no event is dropped,
 * and the WAL stays bounded.
 */
class SqliteSoakIT {

    private static final int SITES = 8;

    private final Figures figures = Figures.of("phase8-sqlite-soak");
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<org.eclipse.jetty.client.Request> streams = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long deadline;

    @Test
    void manyWritersAndWatchReadersNeverSeeBusyAndTheWalStaysBounded() throws Exception {
        Path data = Path.of("target", "faults-soak").toAbsolutePath();
        CrashIT.deleteTree(data);
        Map<String, String> tokens = new HashMap<>();
        try (TestAppliance app = TestAppliance.plain(data)) {
            for (int i = 0; i < SITES; i++) {
                tokens.put("soak-s" + i, Secrets.issued(app.site("soak-s" + i)));
            }
            tokens.put("soak-churn", Secrets.issued(app.site("soak-churn")));
            tokens.put("soak-up", Secrets.issued(app.site("soak-up")));
            for (String op : List.of("soak-op1", "soak-op2")) {
                tokens.put(op, Secrets.issued(app.operator(op)));
                Secrets.issued("password-" + op);
            }
        }
        WebSocketClient ws = new WebSocketClient();
        ws.start();
        HttpClient adminHttp = new HttpClient();
        adminHttp.start();
        long seconds = Figures.scale(10, 300);
        try (ChildAppliance child = new ChildAppliance(data, ChildAppliance.freePort(), "sqlite-soak.log",
                List.of()).start()) {
            Path wal = data.resolve("sitewatch.db-wal");
            List<Thread> threads = new ArrayList<>();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<WsClient> operators = new ArrayList<>();
            for (String op : List.of("soak-op1", "soak-op2")) {
                WsClient c = WsClient.connect(ws, child.signal());
                assertThat(c.hello(tokens.get(op)).path("type").asText()).isEqualTo("welcome");
                operators.add(c);
            }
            List<String> siteIds = new ArrayList<>();
            for (int i = 0; i < SITES; i++) {
                siteIds.add("soak-s" + i);
            }
            // The first operator watches every site (the sites report their links to it); the second flaps.
            operators.get(0).send("watch", "sites", siteIds);
            operators.get(0).sync();
            for (int i = 0; i < SITES; i++) {
                String token = tokens.get("soak-s" + i);
                threads.add(run(() -> reportStatus(ws, child, token, operators.get(0).sessionId)));
            }
            threads.add(run(() -> rewatch(operators.get(1), siteIds)));
            for (int i = 0; i < 2; i++) {
                threads.add(run(() -> churn(ws, child, tokens.get("soak-churn"))));
                threads.add(run(() -> follow(adminHttp, child)));
                threads.add(run(() -> poll(child)));
            }
            ChunkUploader uploader = new ChunkUploader(() -> child.url("/"), tokens.get("soak-up"),
                    "soak-rec-aaaaaaaaaaaa", 2_000, 20_000);
            threads.add(run(() -> {
                while (running()) {
                    count(uploader.uploadOnce() == 201 ? "uploads" : "uploadFailures");
                }
            }));
            long maxWal = 0;
            long samples = 0;
            while (running()) {
                maxWal = Math.max(maxWal, Files.exists(wal) ? Files.size(wal) : 0);
                samples++;
                Thread.sleep(20);
            }
            streams.forEach(r -> r.abort(new java.io.IOException("soak over")));
            for (Thread t : threads) {
                t.join(60_000);
            }
            for (WsClient op : operators) {
                collectErrors(op);
                op.close();
            }
            JsonNode status;
            long stored;
            try (AdminSocket admin = new AdminSocket(child.adminSocket())) {
                status = admin.get("/v1/status");
                stored = admin.get("/v1/events?limit=10000").size();
            }
            assertThat(child.stop()).as("graceful stop").isIn(0, 143);
            List<String> logProblems = Files.readAllLines(child.log()).stream()
                    .filter(l -> l.contains("SQLITE_") || l.contains("database is locked") || l.contains(" ERROR ")
                            || l.contains(" WARN ") && l.contains(".store."))
                    .toList();
            counts.forEach((k, v) -> figures.put(k, v.get()));
            figures.put("seconds", seconds).put("maxWalBytes", maxWal).put("walSamples", samples)
                    .put("eventsDropped", status.get("eventsDropped").asLong()).put("eventsStoredAtEnd", stored)
                    .put("clientErrors", failures.size()).put("logProblems", logProblems.size()).report();
            assertThat(failures).as("what clients saw").isEmpty();
            assertThat(logProblems).as("the appliance's log").isEmpty();
            assertThat(status.get("eventsDropped").asLong()).isZero();
            assertThat(counts.get("uploadFailures")).as("uploads refused").isNull();
            assertThat(maxWal).as("WAL size (limit 4 MiB, then a truncating checkpoint)").isLessThan(8L << 20);
            assertThat(counts.get("followLines").get()).isPositive();
        } finally {
            adminHttp.stop();
            ws.stop();
        }
    }

    private boolean running() {
        return System.nanoTime() < deadline;
    }

    private void count(String what) {
        counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    private Thread run(ThrowingRunnable task) {
        Thread t = new Thread(() -> {
            try {
                task.run();
            } catch (Exception | AssertionError e) {
                failures.add(Thread.currentThread().getName() + ": " + e);
            }
        }, "soak");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A site whose link to an operator flaps: every report is a state change, so an event row. */
    private void reportStatus(WebSocketClient ws, ChildAppliance child, String token, String peer) throws Exception {
        try (WsClient site = WsClient.connect(ws, child.signal())) {
            assertThat(site.hello(token).path("type").asText()).isEqualTo("welcome");
            count("hellos");
            boolean up = false;
            while (running()) {
                up = !up;
                site.send("status", "peer", peer, "state", up ? "connected" : "connecting", "stats",
                        Map.of("rttMs", 12, "fps", 30, "route", "host"));
                count("statusReports");
                Thread.sleep(25);
            }
            collectErrors(site);
        }
    }

    private void rewatch(WsClient op, List<String> sites) throws Exception {
        for (int i = 0; running(); i++) {
            op.send("watch", "sites", i % 2 == 0 ? sites : sites.subList(0, sites.size() / 2));
            count("watchChanges");
            Thread.sleep(50);
        }
    }

    private void churn(WebSocketClient ws, ChildAppliance child, String token) throws Exception {
        while (running()) {
            try (WsClient c = WsClient.connect(ws, child.signal())) {
                assertThat(c.hello(token).path("type").asText()).isIn("welcome");
                count("hellos");
            }
        }
    }

    private void collectErrors(WsClient client) throws Exception {
        for (JsonNode m : client.sync()) {
            if ("error".equals(m.path("type").asText())) {
                failures.add("error to a client: " + m);
            }
        }
    }

    /** {@code GET /v1/events?follow=true}, read line by line as {@code sitewatch watch} does. */
    private void follow(HttpClient http, ChildAppliance child) throws Exception {
        InputStreamResponseListener listener = new InputStreamResponseListener();
        var request = http.newRequest("http://localhost/v1/events?follow=true&after=0")
                .transport(new Transport.TCPUnix(child.adminSocket()));
        streams.add(request);
        request.send(listener);
        var response = listener.get(20, TimeUnit.SECONDS);
        assertThat(response.getStatus()).isEqualTo(200);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(listener.getInputStream(),
                StandardCharsets.UTF_8))) {
            while (running()) {
                String line = lines.readLine();
                if (line == null) {
                    break;
                }
                if (!line.isEmpty()) {
                    count("followLines");
                }
            }
        } catch (java.io.IOException e) {
            // aborted at the end of the soak
        }
        if (running()) {
            failures.add("an event stream ended early");
        }
    }

    private void poll(ChildAppliance child) throws Exception {
        List<String> paths = List.of("/v1/events?limit=1000", "/v1/sessions", "/v1/status", "/v1/recordings",
                "/v1/links", "/v1/control");
        try (AdminSocket admin = new AdminSocket(child.adminSocket())) {
            for (int i = 0; running(); i++) {
                var r = admin.send("GET", paths.get(i % paths.size()), null);
                if (r.getStatus() != 200) {
                    failures.add(paths.get(i % paths.size()) + ": " + r.getStatus() + " " + r.getContentAsString());
                }
                count("adminReads");
            }
        }
    }
}
