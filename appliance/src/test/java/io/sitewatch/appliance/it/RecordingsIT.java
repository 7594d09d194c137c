package io.sitewatch.appliance.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.Appliance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/recordings}: uploads by sites, listing and playback by operators, limits, bad input, crash repair. */
class RecordingsIT {

    static final String REC = "rec-0001-aaaaaaaaaaaa";
    static final String TYPE = "video/webm;codecs=vp8,opus";

    @TempDir
    Path dataDir;
    TestAppliance app;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    void start(Map<String, String> settings) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(Map.of("http.tls", "false"));
        all.putAll(settings);
        app = TestAppliance.start(dataDir, all);
    }

    static byte[] media(String seed, int size) {
        byte[] bytes = new byte[size];
        byte[] s = seed.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (s[i % s.length] + i / 251);
        }
        return bytes;
    }

    static String sha(byte[] body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    }

    /** Chunk starts are 10 s apart from here. */
    static final long START = Instant.now().minusSeconds(3600).toEpochMilli();

    static String chunkQuery(int seq, byte[] body) throws Exception {
        long startedAt = START + seq * 10_000L;
        return "?startedAt=" + startedAt + "&durationMs=10000&sha256=" + sha(body);
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(app.http(path)).timeout(Duration.ofSeconds(20));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> put(String token, String recording, int seq, byte[] body) throws Exception {
        return put(token, "/api/recordings/" + recording + "/chunks/" + seq + chunkQuery(seq, body), body);
    }

    HttpResponse<String> put(String token, String pathAndQuery, byte[] body) throws Exception {
        return http.send(request(pathAndQuery, token).header("Content-Type", TYPE)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String token, String path) throws Exception {
        return http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> bytes(String token, String path) throws Exception {
        return http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return WsClient.JSON.readTree(r.body());
    }

    static void assertError(HttpResponse<String> r, int status, String code) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(json(r).get("error").asText()).as(r.body()).isEqualTo(code);
        assertThat(json(r).get("message").asText()).isNotBlank();
    }

    @Test
    void aSiteUploadsChunksThatAnOperatorListsDownloadsAndStreamsInOrder() throws Exception {
        start(Map.of());
        String site = app.site("w1");
        String ann = app.operator("ann");
        List<byte[]> chunks = List.of(media("zero", 70_000), media("one", 50_000), media("two", 90_000));
        for (int seq = 0; seq < chunks.size(); seq++) {
            HttpResponse<String> r = put(site, REC, seq, chunks.get(seq));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(json(r).get("status").asText()).isEqualTo("created");
        }

        JsonNode list = json(get(ann, "/api/recordings?site=w1"));
        assertThat(list.get("recordings")).hasSize(1);
        JsonNode recording = list.get("recordings").get(0);
        assertThat(recording.get("id").asText()).isEqualTo(REC);
        assertThat(recording.get("site").asText()).isEqualTo("w1");
        assertThat(recording.get("chunks").asInt()).isEqualTo(3);
        assertThat(recording.get("bytes").asLong()).isEqualTo(210_000);
        assertThat(recording.get("mimeType").asText()).isEqualTo(TYPE);
        assertThat(recording.get("durationMs").asLong()).isEqualTo(30_000);

        JsonNode detail = json(get(ann, "/api/recordings/" + REC));
        assertThat(detail.get("chunks")).extracting(c -> c.get("seq").asInt()).containsExactly(0, 1, 2);
        assertThat(detail.get("chunks").get(1).get("sha256").asText()).isEqualTo(sha(chunks.get(1)));

        HttpResponse<byte[]> one = bytes(ann, "/api/recordings/" + REC + "/chunks/1");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).isEqualTo(chunks.get(1));
        assertThat(one.headers().firstValue("Content-Type")).hasValue(TYPE);

        HttpResponse<byte[]> whole = bytes(ann, "/api/recordings/" + REC + "/stream");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            expected.write(c);
        }
        assertThat(whole.body()).isEqualTo(expected.toByteArray());
        HttpResponse<Void> head = http.send(request("/api/recordings/" + REC + "/stream", ann)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(210_000);

        String since = Instant.now().plusSeconds(3600).toString();
        assertThat(json(get(ann, "/api/recordings?site=w1&since=" + since)).get("recordings")).isEmpty();
        Path file = dataDir.resolve(Appliance.RECORDINGS).resolve("w1").resolve(REC).resolve("0000002.webm");
        assertThat(Files.readAllBytes(file)).isEqualTo(chunks.get(2));
    }

    @Test
    void aSiteLearnsItsRecordingSettings() throws Exception {
        start(Map.of("recordings.chunk-seconds", "4", "recordings.site-local-mb", "256"));
        JsonNode settings = json(get(app.site("w1"), "/api/recordings/settings"));
        assertThat(settings.get("site").asText()).isEqualTo("w1");
        assertThat(settings.get("chunkSeconds").asInt()).isEqualTo(4);
        assertThat(settings.get("localBytes").asLong()).isEqualTo(256L << 20);
        assertThat(settings.get("maxChunkBytes").asLong()).isEqualTo(64L << 20);
    }

    @Test
    void theSameChunkAgainIsOkAndADifferentBodyForTheSameSeqIsRefused() throws Exception {
        start(Map.of());
        String site = app.site("w1");
        byte[] body = media("dup", 10_000);
        assertThat(put(site, REC, 0, body).statusCode()).isEqualTo(201);
        HttpResponse<String> again = put(site, REC, 0, body);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("status").asText()).isEqualTo("exists");
        assertError(put(site, REC, 0, media("other", 10_000)), 409, "conflict");
        assertThat(bytes(app.operator("ann"), "/api/recordings/" + REC + "/chunks/0").body()).isEqualTo(body);
    }

    @Test
    void aSiteWritesOnlyItsOwnRecordings() throws Exception {
        start(Map.of());
        String a = app.site("a1");
        String b = app.site("b1");
        byte[] body = media("mine", 1000);
        assertThat(put(a, REC, 0, body).statusCode()).isEqualTo(201);

        assertError(put(b, REC, 1, media("theirs", 1000)), 403, "forbidden");
        assertError(put(b, REC, 0, body), 403, "forbidden");
        assertError(put(b, "/api/recordings/rec-0002-bbbbbbbbbbbb/chunks/0" + chunkQuery(0, body) + "&site=a1", body),
                403, "forbidden");
        assertThat(put(b, "/api/recordings/rec-0002-bbbbbbbbbbbb/chunks/0" + chunkQuery(0, body) + "&site=b1", body)
                .statusCode()).isEqualTo(201);
        JsonNode list = json(get(app.operator("ann"), "/api/recordings"));
        assertThat(list.get("recordings")).extracting(r -> r.get("site").asText()).containsExactlyInAnyOrder("a1", "b1");
        assertThat(list.get("recordings")).allSatisfy(r -> assertThat(r.get("chunks").asInt()).isEqualTo(1));
    }

    @Test
    void badHashesOversizedChunksAndMissingLengthsAreRefusedAndStoreNothing() throws Exception {
        start(Map.of("recordings.max-chunk-mb", "1"));
        String site = app.site("w1");
        byte[] body = media("x", 5000);
        String wrongHash = "?startedAt=" + Instant.now().toEpochMilli() + "&durationMs=1000&sha256=" + "0".repeat(64);
        assertError(put(site, "/api/recordings/" + REC + "/chunks/0" + wrongHash, body), 400, "bad-request");

        byte[] big = media("big", 1024 * 1024 + 1);
        assertError(put(site, REC, 0, big), 413, "too-large");

        HttpResponse<String> chunked = http.send(request("/api/recordings/" + REC + "/chunks/0" + chunkQuery(0, body),
                site).header("Content-Type", TYPE).PUT(HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertError(chunked, 411, "length-required");

        assertThat(json(get(app.operator("ann"), "/api/recordings")).get("recordings")).isEmpty();
        try (var incoming = Files.list(dataDir.resolve(Appliance.RECORDINGS).resolve(".incoming"))) {
            assertThat(incoming).isEmpty();
        }
        assertThat(put(site, REC, 0, body).statusCode()).isEqualTo(201);
    }

    @Test
    void aSiteOverItsQuotaGets507AndOthersStillUpload() throws Exception {
        start(Map.of("recordings.site-quota-mb", "1"));
        String site = app.site("w1");
        assertThat(put(site, REC, 0, media("a", 600_000)).statusCode()).isEqualTo(201);
        HttpResponse<String> over = put(site, REC, 1, media("b", 600_000));
        assertError(over, 507, "quota-exceeded");
        assertThat(over.headers().firstValue("Retry-After")).isPresent();
        assertThat(put(app.site("w2"), "rec-0002-bbbbbbbbbbbb", 0, media("c", 600_000)).statusCode()).isEqualTo(201);
    }

    @Test
    void aNearlyFullDiskAnswers507AndLogsOneEvent() throws Exception {
        start(Map.of("recordings.min-free-mb", Long.toString(Long.MAX_VALUE / (1L << 21))));
        String site = app.site("w1");
        for (int attempt = 0; attempt < 3; attempt++) {
            HttpResponse<String> r = put(site, REC, 0, media("a", 1000));
            assertError(r, 507, "disk-full");
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
        String events = adminGet("/v1/events");
        assertThat(events.split("recording-disk-full", -1)).hasSize(2);
    }

    @Test
    void operatorsSeeOnlyTheRecordingsOfSitesTheyMayWatch() throws Exception {
        start(Map.of());
        String alpha = app.site("a1", "alpha");
        String beta = app.site("b1", "beta");
        byte[] body = media("x", 1000);
        put(alpha, REC, 0, body);
        String betaRecording = "rec-0002-bbbbbbbbbbbb";
        put(beta, betaRecording, 0, body);
        String ann = app.operator("ann", Set.of("alpha"));

        assertThat(json(get(ann, "/api/recordings")).get("recordings")).extracting(r -> r.get("id").asText())
                .containsExactly(REC);
        assertThat(json(get(ann, "/api/recordings?site=b1")).get("recordings")).isEmpty();
        for (String path : List.of("", "/stream", "/chunks/0")) {
            HttpResponse<String> hidden = get(ann, "/api/recordings/" + betaRecording + path);
            HttpResponse<String> missing = get(ann, "/api/recordings/rec-0003-cccccccccccc" + path);
            assertError(hidden, 404, "not-found");
            assertThat(json(hidden).get("message").asText().replace(betaRecording, "ID"))
                    .isEqualTo(json(missing).get("message").asText().replace("rec-0003-cccccccccccc", "ID"));
        }
        assertThat(json(get(app.operator("bob"), "/api/recordings")).get("recordings")).hasSize(2);
    }

    @Test
    void everyEndpointRefusesMissingWrongAndMisusedTokens() throws Exception {
        start(Map.of());
        String site = app.site("w1");
        String ann = app.operator("ann");
        byte[] body = media("x", 1000);
        put(site, REC, 0, body);
        List<String> operatorPaths = List.of("/api/recordings", "/api/recordings/" + REC,
                "/api/recordings/" + REC + "/stream", "/api/recordings/" + REC + "/chunks/0");
        for (String path : operatorPaths) {
            assertError(get(null, path), 401, "unauthorized");
            assertError(get("s123.not-a-token", path), 401, "unauthorized");
            assertError(get(site, path), 403, "forbidden");
        }
        assertError(get(null, "/api/recordings/settings"), 401, "unauthorized");
        assertError(get(ann, "/api/recordings/settings"), 403, "forbidden");
        assertError(put(null, REC, 1, body), 401, "unauthorized");
        assertError(put("garbage", REC, 1, body), 401, "unauthorized");
        assertError(put(ann, REC, 1, body), 403, "forbidden");
        app.appliance.registry().setEnabled("w1", false);
        assertError(put(site, REC, 1, body), 401, "unauthorized");
        assertThat(json(get(ann, "/api/recordings/" + REC)).get("chunks")).hasSize(1);
    }

    @Test
    void malformedRequestsGetAClearErrorOnEveryEndpoint() throws Exception {
        start(Map.of());
        String site = app.site("w1");
        String ann = app.operator("ann");
        byte[] body = media("x", 1000);
        String ok = chunkQuery(0, body);
        Map<String, String> badUploads = new java.util.LinkedHashMap<>();
        badUploads.put("/api/recordings/short/chunks/0" + ok, "recording id");
        badUploads.put("/api/recordings/" + REC + "/chunks/x" + ok, "seq");
        badUploads.put("/api/recordings/" + REC + "/chunks/-1" + ok, "seq");
        badUploads.put("/api/recordings/" + REC + "/chunks/99999999999" + ok, "seq");
        badUploads.put("/api/recordings/" + REC + "/chunks/0?durationMs=1000&sha256=" + sha(body), "startedAt");
        badUploads.put("/api/recordings/" + REC + "/chunks/0" + ok.replace("durationMs=10000", "durationMs=ten"),
                "durationMs");
        badUploads.put("/api/recordings/" + REC + "/chunks/0" + ok.replace("durationMs=10000", "durationMs=0"),
                "durationMs");
        badUploads.put("/api/recordings/" + REC + "/chunks/0?startedAt=1&durationMs=1000&sha256=" + sha(body),
                "startedAt");
        badUploads.put("/api/recordings/" + REC + "/chunks/0" + ok.replaceAll("sha256=.*", "sha256=zz"), "sha256");
        for (var bad : badUploads.entrySet()) {
            HttpResponse<String> r = put(site, bad.getKey(), body);
            assertError(r, 400, "bad-request");
            assertThat(json(r).get("message").asText()).as(bad.getKey()).contains(bad.getValue());
        }
        HttpResponse<String> html = http.send(request("/api/recordings/" + REC + "/chunks/0" + ok, site)
                .header("Content-Type", "text/html").PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(html, 400, "bad-request");
        assertError(put(site, "/api/recordings/" + REC + "/chunks/0" + chunkQuery(0, new byte[0]), new byte[0]),
                400, "bad-request");

        assertError(get(ann, "/api/recordings?since=yesterday"), 400, "bad-request");
        assertError(get(ann, "/api/recordings?limit=0"), 400, "bad-request");
        assertError(get(ann, "/api/recordings?limit=many"), 400, "bad-request");
        assertError(get(ann, "/api/recordings?limit=4294967301"), 400, "bad-request");
        assertError(get(ann, "/api/recordings?since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z"), 400,
                "bad-request");
        assertError(get(ann, "/api/recordings/" + REC + "/chunks/x"), 404, "not-found");
        assertError(get(ann, "/api/recordings/" + REC + "/nothing"), 404, "not-found");
        assertError(get(ann, "/api/recordings/a/b/c/d"), 404, "not-found");
        HttpResponse<String> delete = http.send(request("/api/recordings", ann).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(delete, 405, "method-not-allowed");
        HttpResponse<String> post = http.send(request("/api/recordings/" + REC + "/chunks/0", site)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertError(post, 405, "method-not-allowed");
        assertThat(json(get(ann, "/api/recordings")).get("recordings")).isEmpty();
    }

    @Test
    void aFloodOfUploadsFromOneSiteIsHeldToAFewAtOnceAndOthersAreUnaffected() throws Exception {
        start(Map.of());
        String site = app.site("w1");
        List<StalledUpload> stalled = new ArrayList<>();
        try {
            for (int seq = 0; seq < 4; seq++) {
                stalled.add(new StalledUpload(site, seq, media("slow" + seq, 100_000)));
            }
            byte[] extra = media("extra", 1000);
            // A wrong hash stores nothing while the stalled uploads are still on their way in.
            String wrongHash = "/api/recordings/" + REC + "/chunks/9" + chunkQuery(9, new byte[1]);
            HttpResponse<String> refused = pollUntil(() -> put(site, wrongHash, extra), r -> r.statusCode() != 400);
            assertError(refused, 429, "busy");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(put(app.site("w2"), "rec-0002-bbbbbbbbbbbb", 0, extra).statusCode()).isEqualTo(201);
            for (StalledUpload upload : stalled) {
                assertThat(upload.finish()).startsWith("HTTP/1.1 201");
            }
        } finally {
            for (StalledUpload upload : stalled) {
                upload.socket.close();
            }
        }
        assertThat(put(site, REC, 9, media("extra", 1000)).statusCode()).isEqualTo(201);

        // A burst of forged requests at every endpoint: each is refused, and the appliance keeps serving.
        List<String> paths = List.of("/api/recordings", "/api/recordings/settings", "/api/recordings/" + REC,
                "/api/recordings/" + REC + "/stream", "/api/recordings/" + REC + "/chunks/0");
        List<CompletableFuture<HttpResponse<String>>> junk = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            HttpRequest.Builder forged = i % 2 == 0
                    ? request("/api/recordings/" + REC + "/chunks/" + i + "?sha256=x", "bad." + i)
                            .header("Content-Type", TYPE).PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[100]))
                    : request(paths.get(i / 2 % paths.size()), "bad." + i).GET();
            junk.add(http.sendAsync(forged.build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (var r : junk) {
            assertThat(r.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
        }
        assertThat(json(get(app.operator("ann"), "/api/recordings/" + REC)).get("chunks")).hasSize(5);
    }

    /** An upload over a raw socket that sends its headers and half its body, then waits. */
    final class StalledUpload {
        final Socket socket;
        final byte[] body;

        StalledUpload(String token, int seq, byte[] body) throws Exception {
            this.body = body;
            socket = new Socket("127.0.0.1", app.appliance.port());
            socket.setSoTimeout(20_000);
            String head = "PUT /api/recordings/" + REC + "/chunks/" + seq + chunkQuery(seq, body) + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nContent-Type: " + TYPE + "\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body, 0, body.length / 2);
            socket.getOutputStream().flush();
        }

        /** Sends the rest and returns the status line. */
        String finish() throws IOException {
            socket.getOutputStream().write(body, body.length / 2, body.length - body.length / 2);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    interface Attempt<T> {
        T run() throws Exception;
    }

    static <T> T pollUntil(Attempt<T> attempt, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T last = attempt.run();
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            last = attempt.run();
        }
        return last;
    }

    @Test
    void aRestartRemovesFilesThatWereNeverIndexedAndRowsWhoseFileIsGone() throws Exception {
        start(Map.of());
        String site = app.site("w1");
        for (int seq = 0; seq < 3; seq++) {
            put(site, REC, seq, media("c" + seq, 2000));
        }
        app.close();
        Path dir = dataDir.resolve(Appliance.RECORDINGS).resolve("w1").resolve(REC);
        // As if the appliance died after renaming chunk 3 into place but before indexing it:
        Files.write(dir.resolve("0000003.webm"), media("c3", 2000));
        Files.write(dataDir.resolve(Appliance.RECORDINGS).resolve(".incoming").resolve("half.part"), media("h", 10));
        Files.delete(dir.resolve("0000001.webm"));

        app = TestAppliance.start(dataDir, Map.of("http.tls", "false"));

        assertThat(dir.resolve("0000003.webm")).doesNotExist();
        assertThat(dataDir.resolve(Appliance.RECORDINGS).resolve(".incoming")).isEmptyDirectory();
        JsonNode detail = json(get(app.operator("ann"), "/api/recordings/" + REC));
        assertThat(detail.get("chunks")).extracting(c -> c.get("seq").asInt()).containsExactly(0, 2);
        assertThat(detail.get("recording").get("bytes").asLong()).isEqualTo(4000);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(Appliance.DATABASE));
             Statement s = c.createStatement()) {
            var rows = s.executeQuery("PRAGMA integrity_check");
            rows.next();
            assertThat(rows.getString(1)).isEqualTo("ok");
        }
        // The site's retries fill the holes.
        assertThat(put(site, REC, 1, media("c1", 2000)).statusCode()).isEqualTo(201);
        assertThat(put(site, REC, 3, media("c3", 2000)).statusCode()).isEqualTo(201);
    }

    @Test
    void theAdminRecordingEndpointsRefuseMalformedRequests() throws Exception {
        start(Map.of());
        put(app.site("w1"), REC, 0, media("x", 1000));
        assertAdmin("GET", "/v1/recordings?since=yesterday", null, 400, "bad-request");
        assertAdmin("GET", "/v1/recordings?limit=0", null, 400, "bad-request");
        assertAdmin("GET", "/v1/recordings/rec-nothing-000000000", null, 404, "not-found");
        assertAdmin("GET", "/v1/recordings/rec-nothing-000000000/stream", null, 404, "not-found");
        assertAdmin("POST", "/v1/recordings/prune", "{nope", 400, "bad-request");
        assertAdmin("DELETE", "/v1/recordings", null, 405, "method-not-allowed");
        assertThat(WsClient.JSON.readTree(admin("POST", "/v1/recordings/prune", "{\"dryRun\":true}").getContentAsString())
                .get("chunks").asInt()).isZero();
        assertThat(WsClient.JSON.readTree(adminGet("/v1/recordings")).get(0).get("id").asText()).isEqualTo(REC);
    }

    private void assertAdmin(String method, String path, String body, int status, String code) throws Exception {
        var response = admin(method, path, body);
        assertThat(response.getStatus()).as(method + " " + path).isEqualTo(status);
        assertThat(WsClient.JSON.readTree(response.getContentAsString()).get("error").asText()).isEqualTo(code);
    }

    private String adminGet(String path) throws Exception {
        return admin("GET", path, null).getContentAsString();
    }

    private org.eclipse.jetty.client.ContentResponse admin(String method, String path, String body) throws Exception {
        org.eclipse.jetty.client.HttpClient admin = new org.eclipse.jetty.client.HttpClient();
        admin.start();
        try {
            var request = admin.newRequest("http://localhost" + path).method(method)
                    .transport(new org.eclipse.jetty.io.Transport.TCPUnix(app.appliance.adminSocket()))
                    .timeout(10, TimeUnit.SECONDS);
            if (body != null) {
                request.body(new org.eclipse.jetty.client.StringRequestContent("application/json", body));
            }
            return request.send();
        } finally {
            admin.stop();
        }
    }
}
