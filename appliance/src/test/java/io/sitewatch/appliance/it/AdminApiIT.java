package io.sitewatch.appliance.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local admin API on its Unix socket: permissions, sites, operators, live state and the event stream. */
class AdminApiIT {

    @TempDir
    Path dataDir;
    TestAppliance app;
    HttpClient http;

    @BeforeEach
    void start() throws Exception {
        app = TestAppliance.plain(dataDir);
        http = new HttpClient();
        http.start();
    }

    @AfterEach
    void stop() throws Exception {
        http.stop();
        app.close();
    }

    Request request(String method, String path) {
        return http.newRequest("http://localhost" + path).method(method)
                .transport(new Transport.TCPUnix(app.appliance.adminSocket())).timeout(10, TimeUnit.SECONDS);
    }

    JsonNode call(String method, String path, String body, int status) throws Exception {
        Request r = request(method, path);
        if (body != null) {
            r.body(new BytesRequestContent("application/json", body.getBytes(StandardCharsets.UTF_8)));
        }
        ContentResponse response = r.send();
        assertThat(response.getStatus()).as(method + " " + path + ": " + response.getContentAsString())
                .isEqualTo(status);
        return WsClient.JSON.readTree(response.getContent());
    }

    @Test
    void socketIsOwnerOnlyInAnOwnerOnlyDirectory() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(app.appliance.adminSocket())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
    }

    @Test
    void sitesCanBeEnrolledListedChangedAndRemoved() throws Exception {
        JsonNode enrolled = call("POST", "/v1/sites", "{\"id\":\"w1\",\"name\":\"West\"}", 200);
        assertThat(enrolled.get("token").asText()).startsWith("s");
        assertThat(call("GET", "/v1/sites", null, 200).get(0).has("token")).isFalse();
        assertThat(call("PATCH", "/v1/sites/w1", "{\"location\":\"Gate 2\"}", 200).get("location").asText())
                .isEqualTo("Gate 2");
        assertThat(call("POST", "/v1/sites/w1/disable", null, 200).get("enabled").asBoolean()).isFalse();
        assertThat(call("POST", "/v1/sites", "{\"id\":\"w1\"}", 409).get("error").asText()).isEqualTo("conflict");
        assertThat(call("POST", "/v1/sites", "{\"id\":\"bad id\"}", 400).get("message").asText()).contains("site id");
        assertThat(call("POST", "/v1/sites", "{nope", 400).get("error").asText()).isEqualTo("bad-request");
        assertThat(call("GET", "/v1/sites/ghost", null, 404).get("message").asText()).isEqualTo("no site 'ghost'");
        call("DELETE", "/v1/sites/w1", null, 200);
        assertThat(call("GET", "/v1/sites", null, 200)).isEmpty();
        assertThat(call("GET", "/v1/nothing", null, 404).get("error").asText()).isEqualTo("not-found");
        assertThat(call("PUT", "/v1/sites", null, 405).get("error").asText()).isEqualTo("method-not-allowed");
    }

    @Test
    void importIsOneTransaction() throws Exception {
        call("POST", "/v1/sites", "{\"id\":\"taken\"}", 200);
        call("POST", "/v1/sites/import", "[{\"id\":\"a\"},{\"id\":\"taken\"}]", 409);
        assertThat(call("GET", "/v1/sites", null, 200)).hasSize(1);
        JsonNode imported = call("POST", "/v1/sites/import", "[{\"id\":\"a\"},{\"id\":\"b\",\"group\":\"east\"}]", 200);
        assertThat(imported).hasSize(2);
        assertThat(imported.get(1).get("site").get("group").asText()).isEqualTo("east");
    }

    @Test
    void operatorsTokensAndLiveState() throws Exception {
        call("POST", "/v1/operators", "{\"name\":\"ann\",\"password\":\"long-enough\"}", 200);
        JsonNode token = call("POST", "/v1/operators/ann/token", "{\"ttlMinutes\":5}", 200);
        assertThat(token.get("token").asText()).startsWith("o");
        String siteToken = call("POST", "/v1/sites", "{\"id\":\"w1\"}", 200).get("token").asText();
        WebSocketClient ws = new WebSocketClient();
        ws.start();
        try (WsClient site = WsClient.connect(ws, app.signal()); WsClient op = WsClient.connect(ws, app.signal())) {
            site.hello(siteToken);
            op.hello(token.get("token").asText());
            op.send("watch", "sites", List.of("w1"));
            op.send("claim", "site", "w1");
            op.send("status", "peer", site.sessionId, "state", "connected", "stats", java.util.Map.of("fps", 30));
            op.sync();
            JsonNode sessions = call("GET", "/v1/sessions", null, 200);
            assertThat(sessions).hasSize(2);
            assertThat(call("GET", "/v1/control", null, 200).get(0).get("operator").asText()).isEqualTo("ann");
            assertThat(call("GET", "/v1/links", null, 200).get(0).get("state").asText()).isEqualTo("connected");
            assertThat(call("GET", "/v1/operators", null, 200).get(0).get("sessions").asInt()).isEqualTo(1);
            assertThat(call("GET", "/v1/sites/w1", null, 200).get("online").asBoolean()).isTrue();
            call("POST", "/v1/control/w1/release", null, 200);
            assertThat(call("GET", "/v1/control", null, 200)).isEmpty();
            call("DELETE", "/v1/sessions/" + op.sessionId, null, 200);
            assertThat(op.awaitClose()).isEqualTo(4001);
            call("DELETE", "/v1/sessions/nope", null, 404);
            JsonNode status = call("GET", "/v1/status", null, 200);
            assertThat(status.get("sites").asInt()).isEqualTo(1);
            assertThat(status.get("baseUrl").asText()).startsWith("http://127.0.0.1:");
            assertThat(status.get("cpuSeconds").asDouble()).isGreaterThan(0); // the process's own, for loadtest
            assertThat(status.get("rssBytes").asLong()).isGreaterThan(1 << 20);
        } finally {
            ws.stop();
        }
    }

    @Test
    void eventsAreStoredAndStreamedLive() throws Exception {
        String token = call("POST", "/v1/sites", "{\"id\":\"w1\"}", 200).get("token").asText();
        WebSocketClient ws = new WebSocketClient();
        ws.start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        try {
            try (WsClient site = WsClient.connect(ws, app.signal())) {
                site.hello(token);
            }
            JsonNode stored = call("GET", "/v1/events", null, 200);
            for (int i = 0; i < 100 && stored.toString().indexOf("session-end") < 0; i++) {
                Thread.sleep(50); // the core records the close a moment after the socket reports it
                stored = call("GET", "/v1/events", null, 200);
            }
            assertThat(stored).extracting(e -> e.get("kind").asText()).contains("session-open", "session-end");
            long last = stored.get(stored.size() - 1).get("seq").asLong();
            assertThat(call("GET", "/v1/events?after=" + last, null, 200)).allSatisfy(
                    e -> assertThat(e.get("seq").asLong()).isGreaterThan(last));

            request("GET", "/v1/events?follow=true&after=" + last).timeout(0, TimeUnit.SECONDS)
                    .onResponseContent((Response r, java.nio.ByteBuffer content) ->
                            StandardCharsets.UTF_8.decode(content).toString().lines().filter(l -> !l.isBlank())
                                    .forEach(lines::add))
                    .send(result -> { });
            try (WsClient again = WsClient.connect(ws, app.signal())) {
                again.hello(token);
                String line = lines.poll(10, TimeUnit.SECONDS);
                assertThat(line).isNotNull();
                assertThat(WsClient.JSON.readTree(line).get("kind").asText()).isIn("session-end", "session-open");
            }
        } finally {
            ws.stop();
        }
        call("GET", "/v1/events?since=yesterday", null, 400);
    }

    @Test
    void followStartsAtOnceAndLiveEventsCarryFactsAndOnRequestStatistics() throws Exception {
        String siteToken = call("POST", "/v1/sites", "{\"id\":\"w1\"}", 200).get("token").asText();
        call("POST", "/v1/operators", "{\"name\":\"ann\",\"password\":\"long-enough\"}", 200);
        String opToken = call("POST", "/v1/operators/ann/token", "{}", 200).get("token").asText();
        LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        java.util.concurrent.CompletableFuture<Integer> opened = new java.util.concurrent.CompletableFuture<>();
        request("GET", "/v1/events?follow=true&stats=true&limit=0").timeout(0, TimeUnit.SECONDS)
                .onResponseBegin(r -> opened.complete(r.getStatus()))
                .onResponseContent((Response r, java.nio.ByteBuffer content) ->
                        StandardCharsets.UTF_8.decode(content).toString().lines().filter(l -> !l.isBlank())
                                .forEach(l -> events.add(read(l))))
                .send(result -> { });
        assertThat(opened.get(10, TimeUnit.SECONDS)).isEqualTo(200); // before any event happened

        WebSocketClient ws = new WebSocketClient();
        ws.start();
        try (WsClient site = WsClient.connect(ws, app.signal()); WsClient op = WsClient.connect(ws, app.signal())) {
            site.hello(siteToken);
            op.hello(opToken);
            op.send("watch", "sites", List.of("w1"));
            op.send("status", "peer", site.sessionId, "state", "connected", "stats", java.util.Map.of("fps", 30));
            op.send("status", "peer", site.sessionId, "state", "connected", "stats", java.util.Map.of("fps", 25));
            JsonNode open = next(events, "session-open");
            assertThat(open.get("data").get("role").asText()).isEqualTo("site");
            assertThat(open.get("data").get("id").asText()).isEqualTo("w1");
            assertThat(next(events, "watch").get("data").get("sites").get(0).asText()).isEqualTo("w1");
            assertThat(next(events, "link-state").get("data").get("stats").get("fps").asInt()).isEqualTo(30);
            JsonNode stats = next(events, "link-stats");
            assertThat(stats.get("data").get("stats").get("fps").asInt()).isEqualTo(25);
            assertThat(stats.get("seq").asLong()).isZero();
        } finally {
            ws.stop();
        }
        assertThat(call("GET", "/v1/events", null, 200)).extracting(e -> e.get("kind").asText())
                .doesNotContain("link-stats");
    }

    @Test
    void statusReportsPortsSocketAndDiskUse() throws Exception {
        JsonNode status = call("GET", "/v1/status", null, 200);
        assertThat(status.get("adminSocket").asText()).isEqualTo(app.appliance.adminSocket().toString());
        assertThat(status.get("deviceUrl").asText()).isEqualTo(app.appliance.baseUrl());
        assertThat(status.get("diskUsedBytes").asLong()).isGreaterThan(0); // the database at least
        assertThat(status.get("diskFreeBytes").asLong()).isGreaterThan(0);
        assertThat(status.get("diskTotalBytes").asLong()).isGreaterThanOrEqualTo(status.get("diskFreeBytes").asLong());
        assertThat(call("GET", "/v1/cert/ca", null, 404).get("message").asText()).contains("no CA of its own");
    }

    @Test
    void theAppliancesOwnCaIsExportedWithItsFingerprint(@TempDir Path tlsDir) throws Exception {
        try (TestAppliance tls = TestAppliance.tls(tlsDir)) {
            ContentResponse response = http.newRequest("http://localhost/v1/cert/ca")
                    .transport(new Transport.TCPUnix(tls.appliance.adminSocket())).timeout(10, TimeUnit.SECONDS).send();
            JsonNode ca = WsClient.JSON.readTree(response.getContent());
            assertThat(ca.get("pem").asText()).isEqualTo(Files.readString(tls.appliance.caFile().orElseThrow()));
            assertThat(ca.get("fingerprintSha256").asText()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
            assertThat(tls.appliance.deviceUrl()).startsWith("https://").endsWith(":" + tls.appliance.port());
        }
    }

    private static JsonNode read(String line) {
        try {
            return WsClient.JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static JsonNode next(LinkedBlockingQueue<JsonNode> events, String kind) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event != null && kind.equals(event.get("kind").asText())) {
                return event;
            }
        }
        throw new AssertionError("no " + kind + " event within 10 s");
    }
}
