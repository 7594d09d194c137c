package io.sitewatch.appliance.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP surface of design.md: pages, login, health, metrics, headers. */
class HttpIT {

    @TempDir
    Path dataDir;
    TestAppliance app;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        app = TestAppliance.plain(dataDir);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(app.http(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> login(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(app.http("/api/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzReportsVersionUptimeAndSessions() throws Exception {
        HttpResponse<String> r = get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = WsClient.JSON.readTree(r.body());
        assertThat(body.get("status").asText()).isEqualTo("ok");
        assertThat(body.get("version").asText()).isNotBlank();
        assertThat(body.get("uptimeSeconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(body.get("sessions").get("total").asInt()).isZero();
    }

    @Test
    void metricsArePrometheusTextWithSessionsRelaysAndErrors() throws Exception {
        org.eclipse.jetty.websocket.client.WebSocketClient ws = new org.eclipse.jetty.websocket.client.WebSocketClient();
        ws.start();
        try (WsClient c = WsClient.connect(ws, app.signal())) {
            c.hello(app.operator("ann"));
            c.send("teleport");
            c.next("error");
            HttpResponse<String> r = get("/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(r.body()).contains("sitewatch_sessions{role=\"operator\"} 1.0")
                    .contains("sitewatch_errors_total{code=\"unknown-type\"} 1.0")
                    .contains("sitewatch_messages_rejected_total{type=\"other\"} 1.0")
                    .contains("sitewatch_queue_drops_total").contains("jvm_memory_used_bytes");
        } finally {
            ws.stop();
        }
    }

    @Test
    void appsAreServedWithStrictHeaders() throws Exception {
        for (String path : List.of("/", "/site/", "/operator/", "/style.css")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'")
                    .doesNotContain("unsafe-inline");
            assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
        }
        assertThat(get("/").body()).contains("/operator/").contains("/site/");
        assertThat(get("/nope.html").statusCode()).isEqualTo(404);
        assertThat(get("/api/nothing").statusCode()).isEqualTo(404);
    }

    /** The files' handler is built by the first requests (the appliance prepares it only a while after start). */
    @Test
    void appFilesRacingForTheFirstRequestAreAllServedAndRevalidateByETag() throws Exception {
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> first = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            first.add(http.sendAsync(HttpRequest.newBuilder(app.http("/lib/sitewatch.js")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        String body = null;
        for (var response : first) {
            HttpResponse<String> r = response.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("export");
            body = body == null ? r.body() : body;
            assertThat(r.body()).isEqualTo(body);
        }
        String etag = get("/lib/sitewatch.js").headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(app.http("/lib/sitewatch.js"))
                .header("If-None-Match", etag).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        HttpResponse<String> folder = get("/site");
        assertThat(folder.statusCode()).isEqualTo(302);
        assertThat(folder.headers().firstValue("Location").orElse("")).endsWith("/site/");
    }

    @Test
    void loginReturnsAnOperatorTokenThatOpensASession() throws Exception {
        app.operator("ann");
        HttpResponse<String> r = login("{\"name\":\"ann\",\"password\":\"password-ann\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = WsClient.JSON.readTree(r.body());
        assertThat(body.get("expiresAt").asText()).isNotBlank();
        org.eclipse.jetty.websocket.client.WebSocketClient ws = new org.eclipse.jetty.websocket.client.WebSocketClient();
        ws.start();
        try (WsClient c = WsClient.connect(ws, app.signal())) {
            assertThat(c.hello(body.get("token").asText()).get("role").asText()).isEqualTo("operator");
        } finally {
            ws.stop();
        }
    }

    @Test
    void wrongPasswordIs401AndRepeatedFailuresAreSlowedDown() throws Exception {
        app.operator("ann");
        for (int i = 0; i < 3; i++) {
            assertThat(login("{\"name\":\"ann\",\"password\":\"wrong\"}").statusCode()).isEqualTo(401);
        }
        assertThat(login("{\"name\":\"ann\",\"password\":\"wrong\"}").statusCode()).isEqualTo(401);
        HttpResponse<String> slowed = login("{\"name\":\"ann\",\"password\":\"password-ann\"}");
        assertThat(slowed.statusCode()).isEqualTo(429);
        assertThat(slowed.headers().firstValue("Retry-After")).isPresent();
        assertThat(login("{\"name\":\"nobody\",\"password\":\"x\"}").statusCode()).isIn(401, 429);
    }

    @Test
    void malformedOversizedAndWrongMethodLoginsAreRefused() throws Exception {
        assertThat(login("not json").statusCode()).isEqualTo(400);
        assertThat(login("{\"name\":5}").statusCode()).isEqualTo(400);
        assertThat(login("{\"name\":\"" + "x".repeat(10_000) + "\"}").statusCode()).isEqualTo(413);
        HttpResponse<String> getLogin = get("/api/login");
        assertThat(getLogin.statusCode()).isEqualTo(405);
        assertThat(WsClient.JSON.readTree(getLogin.body()).get("error").asText()).isEqualTo("method-not-allowed");
    }

    @Test
    void operatorsListTheSitesTheyMayWatchWithABearerToken() throws Exception {
        app.site("a1", "alpha");
        app.site("b1", "beta");
        app.site("a2", "alpha");
        app.appliance.registry().setEnabled("a2", false);
        String token = app.operator("ann", java.util.Set.of("alpha"));
        HttpResponse<String> none = get("/api/sites");
        assertThat(none.statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(app.http("/api/sites"))
                .header("Authorization", "Bearer " + app.site("w9")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).as("a site token is not an operator token").isEqualTo(401);
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(app.http("/api/sites"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode sites = WsClient.JSON.readTree(ok.body()).get("sites");
        assertThat(sites).extracting(s -> s.get("id").asText()).containsExactly("a1");
        assertThat(sites.get(0).get("online").asBoolean()).isFalse();
        assertThat(sites.get(0).get("name").asText()).isEqualTo("Site a1");
    }

    @Test
    void roomsListTheDefaultTheDefinedAndTheBusyOnesWithMembersAndCapacity() throws Exception {
        app.appliance.registry().putRoom("dispatch", 2, true);
        String token = app.operator("ann");
        org.eclipse.jetty.websocket.client.WebSocketClient ws = new org.eclipse.jetty.websocket.client.WebSocketClient();
        ws.start();
        try (WsClient ann = WsClient.connect(ws, app.signal()); WsClient bob = WsClient.connect(ws, app.signal());
             WsClient cid = WsClient.connect(ws, app.signal())) {
            ann.hello(token);
            bob.hello(app.operator("bob"));
            cid.hello(app.operator("cid"));
            ann.send("join-room", "room", "dispatch");
            ann.next("room");
            bob.send("join-room", "room", "dispatch");
            bob.next("room");
            cid.send("join-room", "room", "dispatch");
            assertThat(cid.next("error").get("code").asText()).as("the defined capacity applies").isEqualTo("room-full");
            cid.send("join-room", "room", "ad-hoc");
            cid.next("room");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(app.http("/api/rooms"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = WsClient.JSON.readTree(r.body());
            assertThat(body.get("defaultRoom").asText()).isEqualTo("control-room");
            assertThat(body.get("rooms")).extracting(room -> room.get("name").asText())
                    .containsExactly("control-room", "dispatch", "ad-hoc");
            JsonNode dispatch = body.get("rooms").get(1);
            assertThat(dispatch.get("capacity").asInt()).isEqualTo(2);
            assertThat(dispatch.get("defined").asBoolean()).isTrue();
            assertThat(dispatch.get("members")).extracting(m -> m.get("name").asText()).containsExactly("ann", "bob");
            assertThat(get("/api/rooms").statusCode()).isEqualTo(401);
        } finally {
            ws.stop();
        }
        app.appliance.registry().removeRoom("dispatch");
        assertThat(app.appliance.core().capacityOf("dispatch")).isEqualTo(6);
    }

    @Test
    void secondApplianceOnTheSameDataDirectoryIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestAppliance.plain(dataDir))
                .hasMessageContaining("another sitewatch appliance is running");
    }

    @Test
    void noTlsIsRefusedOffLoopback(@TempDir Path other) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestAppliance.start(other,
                java.util.Map.of("http.tls", "false", "http.bind", "0.0.0.0"))).hasMessageContaining("loopback");
    }
}
