package io.sitewatch.faults.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.it.TestAppliance;
import io.sitewatch.appliance.it.WsClient;
import io.sitewatch.faults.Figures;
import io.sitewatch.faults.Secrets;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

/**
 * Phase 8, disk and quota: a real full disk (a small tmpfs; an injected threshold fault where mounting is not
 * allowed) and a per-site quota under parallel uploads. Uploads are refused with 507 and one event, stored chunks
 * stay intact and downloadable, signaling goes on, and uploads resume once there is room.
 */
class DiskIT {

    private static final long MIB = 1024 * 1024;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Figures figures = Figures.of("phase8-disk");

    @Test
    void aFullDiskRefusesUploadsWith507KeepsWhatIsStoredAndKeepsSignaling() throws Exception {
        Path mountPoint = Path.of("target", "faults-disk", "mnt").toAbsolutePath();
        String[] why = new String[1];
        Optional<Tmpfs> tmpfs = Tmpfs.mount(mountPoint, 40, why);
        if (tmpfs.isEmpty()) {
            injectedFullDisk(why[0]);
            return;
        }
        try (Tmpfs disk = tmpfs.get()) {
            realFullDisk(disk);
        }
    }

    /** ENOSPC in the middle of an upload, then the free-space threshold while the disk stays full. */
    private void realFullDisk(Tmpfs disk) throws Exception {
        Path data = disk.dir().resolve("data");
        Map<Integer, byte[]> stored = new HashMap<>();
        try (TestAppliance app = TestAppliance.start(data, Map.of("http.tls", "false", "recordings.min-free-mb", "8"))) {
            String site = Secrets.issued(app.site("disk-1"));
            String operator = Secrets.issued(app.operator("disk-op"));
            Secrets.issued("password-disk-op");
            String rec = "disk-rec-aaaaaaaaaaaa";
            for (int seq = 0; seq < 5; seq++) {
                byte[] body = body(seq, (int) MIB);
                assertThat(put(app, site, rec, seq, body).statusCode()).isEqualTo(201);
                stored.put(seq, body);
            }
            // A 4 MiB chunk passes the free-space check, half of it arrives, then the disk fills up.
            Path filler = disk.dir().resolve("filler");
            Files.write(filler, new byte[0]);
            long room = disk.usableBytes() - 14 * MIB;
            Files.write(filler, new byte[(int) room]);
            byte[] big = body(5, (int) (4 * MIB));
            try (StalledUpload upload = new StalledUpload(app, site, rec, 5, big)) {
                awaitIncoming(data, big.length / 2);
                long filled = disk.fill(disk.dir().resolve("filler-2"));
                figures.put("fillerBytes", room + filled).put("freeWhenFull", disk.usableBytes());
                String answer = upload.finish();
                assertThat(answer).startsWith("HTTP/1.1 507").contains("\"disk-full\"");
            }
            figures.add("refused507", 1);
            // The refused upload's half-written file is gone: fill that room too.
            disk.fill(disk.dir().resolve("filler-3"));
            // The threshold answers every later upload at once; the first refusal logged the event.
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = put(app, site, rec, 6 + i, body(6 + i, 2000));
                assertThat(r.statusCode()).isEqualTo(507);
                assertThat(r.body()).contains("\"disk-full\"");
                figures.add("refused507", 1);
            }
            // Sessions, events and a login all want database pages now.
            int sessions = Figures.scale(40, 400);
            for (int i = 0; i < sessions; i++) {
                assertSignalingWorks(app, site, operator);
            }
            assertStoredIntact(app, data, operator, rec, stored);
            // An admin change the database cannot hold: refused whole, with the reason, nothing half-done.
            try (AdminSocket admin = new AdminSocket(app.appliance.adminSocket())) {
                StringBuilder many = new StringBuilder("[");
                for (int i = 0; i < 3000; i++) {
                    many.append(i == 0 ? "" : ",").append("{\"id\":\"bulk-").append(i)
                            .append("\",\"name\":\"Bulk site ").append(i).append(", a name long enough to need room\"}");
                }
                var imported = admin.send("POST", "/v1/sites/import", many.append("]").toString());
                assertThat(imported.getStatus()).as(imported.getContentAsString()).isEqualTo(507);
                assertThat(imported.getContentAsString()).contains("\"disk-full\"");
                assertThat(admin.get("/v1/sites").toString()).doesNotContain("bulk-");
            }
            int login = login(app, "disk-op", "password-disk-op");
            assertThat(login).as("a login needs a token row: done, or refused as disk-full").isIn(200, 507);
            figures.put("adminImportWhileFull", 507).put("loginWhileFull", login);

            Files.delete(filler);
            Files.delete(disk.dir().resolve("filler-2"));
            Files.delete(disk.dir().resolve("filler-3"));
            assertThat(put(app, site, rec, 5, big).statusCode()).isEqualTo(201);
            stored.put(5, big);
            List<String> kinds = eventKinds(app);
            assertThat(kinds.stream().filter("recording-disk-full"::equals)).hasSize(1);
            assertThat(kinds.stream().filter("recording-disk-ok"::equals)).hasSize(1);
            // Every session opened while the disk was full is in the event log now: none was dropped.
            assertThat(kinds.stream().filter("session-open"::equals).count()).isGreaterThanOrEqualTo(2L * sessions);
            long dropped = status(app).path("eventsDropped").asLong();
            figures.put("eventsDropped", dropped);
            assertThat(dropped).isZero();
            assertStoredIntact(app, data, operator, rec, stored);
        }
        StoreCheck.Result after = new StoreCheck(data).run();
        assertThat(after.integrity()).isEqualTo("ok");
        assertThat(after.problems()).isEmpty();
        figures.put("mode", "tmpfs").put("storedChunks", stored.size()).put("lost", 0L + stored.size()
                - after.rows().size()).report();
    }

    /** Without a mount: the free-space check sees a full disk (an injected file-system fault). */
    private void injectedFullDisk(String why) throws Exception {
        Path data = Path.of("target", "faults-disk", "injected").toAbsolutePath();
        CrashIT.deleteTree(data);
        String rec = "disk-rec-bbbbbbbbbbbb";
        Map<Integer, byte[]> stored = new HashMap<>();
        String site;
        String operator;
        try (TestAppliance app = TestAppliance.start(data, Map.of("http.tls", "false"))) {
            site = Secrets.issued(app.site("disk-1"));
            operator = Secrets.issued(app.operator("disk-op"));
            for (int seq = 0; seq < 3; seq++) {
                stored.put(seq, body(seq, 100_000));
                assertThat(put(app, site, rec, seq, stored.get(seq)).statusCode()).isEqualTo(201);
            }
        }
        try (TestAppliance app = TestAppliance.start(data, Map.of("http.tls", "false",
                "recordings.min-free-mb", Long.toString(Long.MAX_VALUE / (1L << 21))))) {
            for (int i = 0; i < 3; i++) {
                assertThat(put(app, site, rec, 3, body(3, 2000)).statusCode()).isEqualTo(507);
                figures.add("refused507", 1);
            }
            assertSignalingWorks(app, site, operator);
            assertStoredIntact(app, data, operator, rec, stored);
            assertThat(eventKinds(app).stream().filter("recording-disk-full"::equals)).hasSize(1);
        }
        figures.put("mode", "injected (" + why + ")").put("storedChunks", stored.size()).report();
    }

    @Test
    void aSiteOverItsQuotaIsRefusedEvenWithParallelUploadsAndOtherSitesGoOn() throws Exception {
        Path data = Path.of("target", "faults-disk", "quota").toAbsolutePath();
        CrashIT.deleteTree(data);
        Figures quota = Figures.of("phase8-quota");
        try (TestAppliance app = TestAppliance.start(data, Map.of("http.tls", "false", "recordings.site-quota-mb", "2"))) {
            String greedy = Secrets.issued(app.site("quota-1"));
            String modest = Secrets.issued(app.site("quota-2"));
            String operator = Secrets.issued(app.operator("quota-op"));
            String rec = "quota-rec-aaaaaaaaaaaa";
            Map<Integer, byte[]> accepted = new HashMap<>();
            int refused = 0;
            for (int round = 0; round < 4; round++) {
                List<CompletableFuture<HttpResponse<String>>> parallel = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int seq = round * 4 + i;
                    parallel.add(putAsync(app, greedy, rec, seq, body(seq, 300_000)));
                }
                for (int i = 0; i < 4; i++) {
                    HttpResponse<String> r = parallel.get(i).get(30, TimeUnit.SECONDS);
                    if (r.statusCode() == 201) {
                        accepted.put(round * 4 + i, body(round * 4 + i, 300_000));
                    } else {
                        assertThat(r.statusCode()).as(r.body()).isIn(507, 429);
                        refused += r.statusCode() == 507 ? 1 : 0;
                    }
                }
            }
            long bytes = accepted.values().stream().mapToLong(b -> b.length).sum();
            assertThat(bytes).as("stored for the site").isLessThanOrEqualTo(2 * MIB);
            assertThat(accepted).hasSize((int) (2 * MIB / 300_000));
            assertThat(refused).isPositive();
            assertThat(put(app, modest, "quota-rec-bbbbbbbbbbbb", 0, body(0, 300_000)).statusCode()).isEqualTo(201);
            assertStoredIntact(app, data, operator, rec, accepted);
            assertThat(eventKinds(app).stream().filter("recording-quota"::equals)).hasSize(1);
            quota.put("quotaBytes", 2 * MIB).put("storedBytes", bytes).put("refused507", refused).report();
        }
    }

    private void assertSignalingWorks(TestAppliance app, String siteToken, String operatorToken) throws Exception {
        WebSocketClient ws = new WebSocketClient();
        ws.start();
        try (WsClient site = WsClient.connect(ws, app.signal()); WsClient op = WsClient.connect(ws, app.signal())) {
            assertThat(site.hello(siteToken).path("type").asText()).isEqualTo("welcome");
            assertThat(op.hello(operatorToken).path("type").asText()).isEqualTo("welcome");
            op.send("watch", "sites", List.of(site.welcome.get("id").asText()));
            site.next("watcher");
            op.send("offer", "to", site.sessionId, "sdp", "v=0 while the disk is full");
            assertThat(site.next("offer").get("from").asText()).isEqualTo(op.sessionId);
            figures.add("relayedWhileFull", 1);
        } finally {
            ws.stop();
        }
    }

    private void assertStoredIntact(TestAppliance app, Path data, String operator, String rec,
                                    Map<Integer, byte[]> stored) throws Exception {
        for (var chunk : stored.entrySet()) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(app.http("/api/recordings/" + rec + "/chunks/"
                    + chunk.getKey())).header("Authorization", "Bearer " + operator).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(chunk.getValue());
        }
        try (Stream<Path> incoming = Files.list(data.resolve("recordings").resolve(".incoming"))) {
            assertThat(incoming).as("nothing half-written is left").isEmpty();
        }
    }

    /** The status of an operator login while the disk is full (it writes a token row). */
    private int login(TestAppliance app, String name, String password) throws Exception {
        String body = WsClient.JSON.createObjectNode().put("name", name).put("password", password).toString();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(app.http("/api/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
            Secrets.issued(WsClient.JSON.readTree(r.body()).path("token").asText());
        }
        return r.statusCode();
    }

    private static JsonNode status(TestAppliance app) throws Exception {
        try (AdminSocket admin = new AdminSocket(app.appliance.adminSocket())) {
            return admin.get("/v1/status");
        }
    }

    private static List<String> eventKinds(TestAppliance app) throws Exception {
        try (AdminSocket admin = new AdminSocket(app.appliance.adminSocket())) {
            List<String> kinds = new ArrayList<>();
            for (JsonNode e : admin.get("/v1/events?limit=10000")) {
                kinds.add(e.get("kind").asText());
            }
            return kinds;
        }
    }

    private static void awaitIncoming(Path data, long bytes) throws Exception {
        Path incoming = data.resolve("recordings").resolve(".incoming");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> parts = Files.list(incoming)) {
                if (parts.anyMatch(p -> p.toFile().length() >= bytes)) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the upload never reached the disk");
    }

    static byte[] body(int seq, int size) {
        byte[] bytes = new byte[size];
        new Random(seq * 7919L + size).nextBytes(bytes);
        return bytes;
    }

    private static String query(int seq, byte[] body) {
        long startedAt = System.currentTimeMillis() - 3_600_000 + seq * 10_000L;
        return "?startedAt=" + startedAt + "&durationMs=10000&sha256=" + StoreCheck.sha256(body);
    }

    private HttpRequest putRequest(TestAppliance app, String token, String rec, int seq, byte[] body) {
        return HttpRequest.newBuilder(app.http("/api/recordings/" + rec + "/chunks/" + seq + query(seq, body)))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .header("Content-Type", ChunkUploader.TYPE).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private HttpResponse<String> put(TestAppliance app, String token, String rec, int seq, byte[] body)
            throws Exception {
        return http.send(putRequest(app, token, rec, seq, body), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> putAsync(TestAppliance app, String token, String rec, int seq,
                                                             byte[] body) {
        return http.sendAsync(putRequest(app, token, rec, seq, body), HttpResponse.BodyHandlers.ofString());
    }

    /** An upload over a raw socket: headers and half the body now, the rest on {@link #finish()}. */
    private static final class StalledUpload implements AutoCloseable {
        private final Socket socket;
        private final byte[] body;

        StalledUpload(TestAppliance app, String token, String rec, int seq, byte[] body) throws Exception {
            this.body = body;
            URI uri = app.http("/");
            socket = new Socket(uri.getHost(), uri.getPort());
            socket.setSoTimeout(30_000);
            String head = "PUT /api/recordings/" + rec + "/chunks/" + seq + query(seq, body) + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nContent-Type: " + ChunkUploader.TYPE
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
        }

        String finish() throws Exception {
            try {
                socket.getOutputStream().write(body, body.length / 2, body.length - body.length / 2);
                socket.getOutputStream().flush();
            } catch (java.io.IOException e) {
                // the server may answer and close before reading everything
            }
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
