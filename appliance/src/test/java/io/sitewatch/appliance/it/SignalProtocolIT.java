package io.sitewatch.appliance.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.StreamSupport;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rule of protocol.md against the real server: the appliance on loopback, real
 * WebSocket clients. Nested classes follow the sections of protocol.md.
 */
class SignalProtocolIT {

    @TempDir
    Path dataDir;
    TestAppliance app;
    WebSocketClient ws;
    final List<WsClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        app = TestAppliance.plain(dataDir);
        ws = new WebSocketClient();
        ws.start();
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(WsClient::close);
        ws.stop();
        app.close();
    }

    WsClient connect() throws Exception {
        WsClient c = WsClient.connect(ws, app.signal());
        clients.add(c);
        return c;
    }

    WsClient join(String token) throws Exception {
        WsClient c = connect();
        JsonNode answer = c.hello(token);
        assertThat(answer.path("type").asText()).as("welcome for %s", token).isEqualTo("welcome");
        if (answer.get("role").asText().equals("site")) {
            c.next("control"); // a site always gets the current control right after welcome
        }
        return c;
    }

    static List<String> field(JsonNode array, String name) {
        return StreamSupport.stream(array.spliterator(), false).map(p -> p.path(name).asText()).toList();
    }

    static List<String> types(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("type").asText()).toList();
    }

    @Nested
    class Transport {

        @Test
        void foreignOriginIsRefusedWith403() {
            assertThatThrownBy(() -> WsClient.connect(ws, app.signal(), Map.of("Origin", "https://evil.example")))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(UpgradeException.class)
                    .satisfies(e -> assertThat(((UpgradeException) e).getResponseStatusCode()).isEqualTo(403));
        }

        @Test
        void ownOriginAndNoOriginAreAccepted() throws Exception {
            String token = app.site("w1");
            WsClient own = WsClient.connect(ws, app.signal(), Map.of("Origin", app.origin()));
            clients.add(own);
            assertThat(own.hello(token).path("type").asText()).isEqualTo("welcome");
            WsClient none = connect();
            assertThat(none.hello(app.operator("ann")).path("type").asText()).isEqualTo("welcome");
        }

        @Test
        void configuredOriginIsAccepted(@TempDir Path other) throws Exception {
            try (TestAppliance allowing = TestAppliance.start(other,
                    Map.of("http.tls", "false", "http.allowed-origins", "https://wall.example"))) {
                WsClient c = WsClient.connect(ws, allowing.signal(), Map.of("Origin", "https://wall.example"));
                clients.add(c);
                assertThat(c.hello(allowing.site("w1")).path("type").asText()).isEqualTo("welcome");
            }
        }

        @Test
        void textOver64KiBClosesWith1009() throws Exception {
            WsClient c = join(app.operator("ann"));
            c.sendRaw("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(64 * 1024) + "\"}");
            assertThat(c.awaitClose()).isEqualTo(1009);
        }

        @Test
        void textOfJustUnder64KiBIsAccepted() throws Exception {
            WsClient c = join(app.operator("ann"));
            String frame = "{\"type\":\"ping\",\"pad\":\"\"}";
            c.sendRaw("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(64 * 1024 - frame.length()) + "\"}");
            assertThat(c.next("pong")).isNotNull();
        }

        @Test
        void sizeLimitAppliesAfterDecompression() throws Exception {
            try (RawWebSocket raw = RawWebSocket.open(app.signal(),
                    "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n")) {
                byte[] bomb = ("{\"type\":\"hello\",\"token\":\"" + "a".repeat(200 * 1024) + "\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                java.util.zip.Deflater deflater = new java.util.zip.Deflater(9, true);
                deflater.setInput(bomb);
                byte[] out = new byte[bomb.length];
                int n = deflater.deflate(out, 0, out.length, java.util.zip.Deflater.SYNC_FLUSH);
                byte[] compressed = java.util.Arrays.copyOf(out, n - 4); // RFC 7692: drop 00 00 FF FF
                assertThat(compressed.length).isLessThan(64 * 1024);
                raw.sendFrame(true, true, 0x1, compressed);
                assertThat(raw.awaitCloseCode()).isEqualTo(1009);
            }
        }

        @Test
        void binaryFrameClosesWith1003() throws Exception {
            WsClient c = join(app.operator("ann"));
            c.sendBinary(new byte[] {1, 2, 3});
            assertThat(c.awaitClose()).isEqualTo(1003);
        }

        @Test
        void invalidUtf8ClosesWith1007() throws Exception {
            try (RawWebSocket raw = RawWebSocket.open(app.signal())) {
                raw.sendText(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
                assertThat(raw.awaitCloseCode()).isEqualTo(1007);
            }
        }

        @Test
        void framesThatAreNotJsonObjectsWithATypeAreBadMessages() throws Exception {
            WsClient c = join(app.operator("ann"));
            for (String frame : List.of("hello?", "[]", "{\"type\":1}", "{}")) {
                c.sendRaw(frame);
                JsonNode error = c.next("error");
                assertThat(error.get("code").asText()).as(frame).isEqualTo("bad-message");
            }
            assertThat(c.isOpen()).isTrue();
        }

        @Test
        void sdpIsRelayedByteForByte() throws Exception {
            WsClient site = join(app.site("w1"));
            WsClient op = join(app.operator("ann"));
            op.send("watch", "sites", List.of("w1"));
            site.next("watcher");
            String sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 AB:CD:EF\r\na=x:\u00e9\u2603\r\n";
            site.send("offer", "to", op.sessionId, "sdp", sdp);
            assertThat(op.next("offer").get("sdp").asText()).isEqualTo(sdp);
        }
    }

    @Nested
    class SessionSection {

        @Test
        void siteTokenMakesASiteSessionWithAFullWelcome() throws Exception {
            WsClient c = join(app.site("w1"));
            JsonNode w = c.welcome;
            assertThat(w.get("role").asText()).isEqualTo("site");
            assertThat(w.get("id").asText()).isEqualTo("w1");
            assertThat(w.get("sessionId").asText()).isNotBlank();
            assertThat(w.get("resumeToken").asText()).isNotBlank();
            assertThat(w.get("heartbeatMs").asLong()).isEqualTo(15_000);
            assertThat(w.get("iceServers").get(0).get("urls").get(0).asText()).startsWith("stun:");
            assertThat(w.get("peers").isArray()).isTrue();
            assertThat(field(w.get("features"), "x")).isNotNull();
            assertThat(w.get("features").toString()).contains("resume").contains("rooms");
        }

        @Test
        void operatorTokenMakesAnOperatorSession() throws Exception {
            WsClient c = join(app.operator("ann"));
            assertThat(c.welcome.get("role").asText()).isEqualTo("operator");
            assertThat(c.welcome.get("id").asText()).isEqualTo("ann");
        }

        @Test
        void operatorSeesOnlineSitesAndOperatorsSiteSeesItsWatchers() throws Exception {
            WsClient site = join(app.site("w1"));
            app.site("w2");
            WsClient bob = join(app.operator("bob"));
            bob.send("watch", "sites", List.of("w1"));
            site.next("watcher");
            WsClient ann = join(app.operator("ann"));
            assertThat(field(ann.welcome.get("peers"), "sessionId")).containsExactlyInAnyOrder(site.sessionId,
                    bob.sessionId);
            site.close();
            site.awaitClose();
            WsClient again = join(app.site("w3"));
            assertThat(again.welcome.get("peers")).isEmpty();
            WsClient w1 = join(token("w1"));
            assertThat(field(w1.welcome.get("peers"), "sessionId")).containsExactly(bob.sessionId);
            JsonNode peer = w1.welcome.get("peers").get(0);
            assertThat(peer.get("role").asText()).isEqualTo("operator");
            assertThat(peer.get("id").asText()).isEqualTo("bob");
            assertThat(peer.get("name").asText()).isEqualTo("bob");
        }

        private String token(String siteId) {
            return app.appliance.registry().rotateSiteToken(siteId);
        }

        @Test
        void badCredentialIsUnauthorizedAndClosedWith4001() throws Exception {
            for (String token : List.of("nonsense", "s0000000000000000.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")) {
                WsClient c = connect();
                JsonNode answer = c.hello(token);
                assertThat(answer.get("code").asText()).isEqualTo("unauthorized");
                assertThat(c.awaitClose()).isEqualTo(4001);
            }
        }

        @Test
        void missingHelloWithinTheTimeoutIsUnauthorized(@TempDir Path other) throws Exception {
            try (TestAppliance quick = TestAppliance.start(other,
                    Map.of("http.tls", "false", "signal.hello-timeout-ms", "300"))) {
                WsClient c = WsClient.connect(ws, quick.signal());
                clients.add(c);
                assertThat(c.next("error").get("code").asText()).isEqualTo("unauthorized");
                assertThat(c.awaitClose()).isEqualTo(4001);
            }
        }

        @Test
        void firstMessageOtherThanHelloIsRefusedAndNotProcessed() throws Exception {
            app.site("w1");
            WsClient op = join(app.operator("ann"));
            WsClient c = connect();
            c.sendRaw("{\"type\":\"offer\",\"to\":\"" + op.sessionId + "\",\"sdp\":\"x\"}");
            assertThat(c.next("error").get("code").asText()).isEqualTo("unauthorized");
            assertThat(c.awaitClose()).isEqualTo(4001);
            assertThat(types(op.sync())).doesNotContain("offer");
        }

        @Test
        void helloAfterWelcomeIsBadMessage() throws Exception {
            String token = app.operator("ann");
            WsClient c = join(token);
            c.send("hello", "token", token);
            JsonNode error = c.next("error");
            assertThat(error.get("code").asText()).isEqualTo("bad-message");
            assertThat(error.get("ref").asText()).isEqualTo("hello");
        }

        @Test
        void secondSiteSessionReplacesTheFirstWith4002() throws Exception {
            String token = app.site("w1");
            WsClient first = join(token);
            WsClient second = join(token);
            assertThat(first.awaitClose()).isEqualTo(4002);
            assertThat(second.sessionId).isNotEqualTo(first.sessionId);
            assertThat(second.isOpen()).isTrue();
            assertThat(types(second.sync())).doesNotContain("error");
        }

        @Test
        void operatorsMayHoldSeveralSessions() throws Exception {
            String token = app.operator("ann");
            WsClient a = join(token);
            WsClient b = join(token);
            assertThat(a.sessionId).isNotEqualTo(b.sessionId);
            a.sync();
            assertThat(a.isOpen()).isTrue();
        }
    }

    @Nested
    class AddressingAndRelay {

        WsClient site;
        WsClient op;

        void watching() throws Exception {
            site = join(app.site("w1"));
            op = join(app.operator("ann"));
            op.send("watch", "sites", List.of("w1"));
            site.next("watcher");
        }

        @Test
        void offerAnswerCandidateByeAreForwardedUnchangedWithFrom() throws Exception {
            watching();
            site.sendRaw("{\"type\":\"offer\",\"to\":\"" + op.sessionId + "\",\"sdp\":\"o\",\"x-extra\":[1,{\"a\":2}]}");
            JsonNode offer = op.next("offer");
            assertThat(offer.get("from").asText()).isEqualTo(site.sessionId);
            assertThat(offer.get("x-extra").toString()).isEqualTo("[1,{\"a\":2}]");
            op.send("answer", "to", site.sessionId, "sdp", "a");
            op.send("candidate", "to", site.sessionId, "candidate",
                    Map.of("candidate", "candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host", "sdpMLineIndex", 0));
            op.sendRaw("{\"type\":\"candidate\",\"to\":\"" + site.sessionId + "\",\"candidate\":null}");
            op.send("bye", "to", site.sessionId);
            assertThat(site.next("answer").get("sdp").asText()).isEqualTo("a");
            JsonNode candidate = site.next("candidate");
            assertThat(candidate.get("candidate").get("sdpMLineIndex").asInt()).isZero();
            assertThat(site.next("candidate").get("candidate").isNull()).isTrue();
            assertThat(site.next("bye").get("from").asText()).isEqualTo(op.sessionId);
        }

        @Test
        void clientSentFromIsOverwritten() throws Exception {
            watching();
            op.send("answer", "to", site.sessionId, "sdp", "a", "from", site.sessionId);
            assertThat(site.next("answer").get("from").asText()).isEqualTo(op.sessionId);
        }

        @Test
        void signallingWhomYouMayNotIsForbiddenAndTheConnectionStays() throws Exception {
            watching();
            WsClient stranger = join(app.operator("eve"));
            WsClient otherSite = join(app.site("w2"));
            stranger.send("offer", "to", site.sessionId, "sdp", "x");
            JsonNode e1 = stranger.next("error");
            assertThat(e1.get("code").asText()).isEqualTo("forbidden");
            assertThat(e1.get("ref").asText()).isEqualTo("offer");
            stranger.send("offer", "to", op.sessionId, "sdp", "x");
            assertThat(stranger.next("error").get("code").asText()).isEqualTo("forbidden");
            otherSite.send("candidate", "to", site.sessionId, "candidate", "c");
            JsonNode e2 = otherSite.next("error");
            assertThat(e2.get("code").asText()).isEqualTo("forbidden");
            assertThat(e2.get("ref").asText()).isEqualTo("candidate");
            site.send("bye", "to", stranger.sessionId);
            assertThat(site.next("error").get("code").asText()).isEqualTo("forbidden");
            assertThat(types(op.sync())).doesNotContain("offer", "error");
            assertThat(stranger.isOpen() && otherSite.isOpen() && site.isOpen()).isTrue();
        }

        @Test
        void unknownOrOfflineToIsUnknownPeerWithTheTo() throws Exception {
            watching();
            op.send("offer", "to", "no-such-session", "sdp", "x");
            JsonNode e = op.next("error");
            assertThat(e.get("code").asText()).isEqualTo("unknown-peer");
            assertThat(e.get("ref").asText()).isEqualTo("no-such-session");
            String gone = site.sessionId;
            site.close();
            site.awaitClose();
            op.next(m -> "offline".equals(m.path("event").asText()));
            op.send("offer", "to", gone, "sdp", "x");
            assertThat(op.next("error").get("ref").asText()).isEqualTo(gone);
        }

        @Test
        void operatorsSignalEachOtherOnlyWhileInTheSameRoom() throws Exception {
            WsClient ann = join(app.operator("ann"));
            WsClient bob = join(app.operator("bob"));
            bob.send("offer", "to", ann.sessionId, "sdp", "v");
            assertThat(bob.next("error").get("code").asText()).isEqualTo("forbidden");
            ann.send("join-room", "room", "ops");
            ann.next("room");
            bob.send("join-room", "room", "ops");
            bob.next("room");
            bob.send("offer", "to", ann.sessionId, "sdp", "v");
            assertThat(ann.next("offer").get("from").asText()).isEqualTo(bob.sessionId);
        }
    }

    @Nested
    class WatchingAndControl {

        @Test
        void watchTellsTheSiteAndReplacesTheSetUnwatchRemoves() throws Exception {
            WsClient w1 = join(app.site("w1"));
            WsClient w2 = join(app.site("w2"));
            WsClient op = join(app.operator("ann"));
            op.send("watch", "sites", List.of("w1", "w2"));
            JsonNode joined = w1.next("watcher");
            assertThat(joined.get("event").asText()).isEqualTo("joined");
            assertThat(joined.get("peer").get("sessionId").asText()).isEqualTo(op.sessionId);
            assertThat(w2.next("watcher").get("event").asText()).isEqualTo("joined");
            op.send("watch", "sites", List.of("w2"));
            assertThat(w1.next("watcher").get("event").asText()).isEqualTo("left");
            op.send("unwatch", "sites", List.of("w2"));
            assertThat(w2.next("watcher").get("event").asText()).isEqualTo("left");
        }

        @Test
        void watchSendsOneControlPerNewlyWatchedSite() throws Exception {
            app.site("w1");
            app.site("w2");
            WsClient op = join(app.operator("ann"));
            op.send("watch", "sites", List.of("w1", "w2"));
            List<JsonNode> controls = op.sync().stream().filter(m -> m.path("type").asText().equals("control")).toList();
            assertThat(controls).extracting(c -> c.get("site").asText()).containsExactly("w1", "w2");
            assertThat(controls.get(0).has("primary")).isTrue();
            assertThat(controls.get(0).get("primary").isNull()).isTrue();
        }

        @Test
        void siteGetsCurrentControlAfterWelcome() throws Exception {
            String token = app.site("w1");
            WsClient op = join(app.operator("ann"));
            op.send("watch", "sites", List.of("w1"));
            op.send("claim", "site", "w1");
            op.next(m -> "control".equals(m.path("type").asText()) && !m.get("primary").isNull());
            WsClient site = connect();
            site.hello(token);
            JsonNode control = site.next("control");
            assertThat(control.get("site").asText()).isEqualTo("w1");
            assertThat(control.get("primary").asText()).isEqualTo(op.sessionId);
        }

        @Test
        void claimMakesPrimaryEveryoneIsToldAndTheOldPrimaryIsABackup() throws Exception {
            WsClient site = join(app.site("w1"));
            WsClient ann = join(app.operator("ann"));
            WsClient bob = join(app.operator("bob"));
            ann.send("watch", "sites", List.of("w1"));
            bob.send("watch", "sites", List.of("w1"));
            ann.send("claim", "site", "w1");
            for (WsClient c : List.of(site, ann, bob)) {
                assertThat(c.next(m -> isControl(m, "w1", ann.sessionId))).isNotNull();
            }
            bob.send("claim", "site", "w1");
            for (WsClient c : List.of(site, ann, bob)) {
                assertThat(c.next(m -> isControl(m, "w1", bob.sessionId))).isNotNull();
            }
            assertThat(app.appliance.core().controls()).singleElement()
                    .satisfies(v -> assertThat(v.operator()).isEqualTo("bob"));
            assertThat(app.appliance.core().sessions()).filteredOn(s -> s.id().equals("ann")).singleElement()
                    .satisfies(s -> assertThat(s.watching()).containsExactly("w1"));
        }

        @Test
        void claimingAnotherSiteReleasesTheOperatorsPreviousPrimary() throws Exception {
            WsClient w1 = join(app.site("w1"));
            join(app.site("w2"));
            WsClient op = join(app.operator("ann"));
            op.send("watch", "sites", List.of("w1", "w2"));
            op.send("claim", "site", "w1");
            w1.next(m -> isControl(m, "w1", op.sessionId));
            op.send("claim", "site", "w2");
            assertThat(w1.next(m -> isControl(m, "w1", null))).isNotNull();
            assertThat(op.next(m -> isControl(m, "w2", op.sessionId))).isNotNull();
        }

        @Test
        void claimOfAnUnwatchedSiteIsForbidden() throws Exception {
            app.site("w1");
            WsClient op = join(app.operator("ann"));
            op.send("claim", "site", "w1");
            JsonNode e = op.next("error");
            assertThat(e.get("code").asText()).isEqualTo("forbidden");
            assertThat(e.get("ref").asText()).isEqualTo("claim");
        }

        @Test
        void releaseByThePrimaryClearsAndByAnyoneElseChangesNothing() throws Exception {
            WsClient site = join(app.site("w1"));
            WsClient ann = join(app.operator("ann"));
            WsClient bob = join(app.operator("bob"));
            ann.send("watch", "sites", List.of("w1"));
            bob.send("watch", "sites", List.of("w1"));
            ann.send("claim", "site", "w1");
            site.next(m -> isControl(m, "w1", ann.sessionId));
            bob.send("release", "site", "w1");
            bob.sync();
            assertThat(types(site.sync())).doesNotContain("control");
            ann.send("release", "site", "w1");
            assertThat(site.next(m -> isControl(m, "w1", null))).isNotNull();
        }

        @Test
        void primaryClosingOrUnwatchingReleasesAndNoBackupIsPromoted() throws Exception {
            WsClient site = join(app.site("w1"));
            WsClient bob = join(app.operator("bob"));
            bob.send("watch", "sites", List.of("w1"));
            WsClient ann = join(app.operator("ann"));
            ann.send("watch", "sites", List.of("w1"));
            ann.send("claim", "site", "w1");
            site.next(m -> isControl(m, "w1", ann.sessionId));
            ann.close();
            assertThat(site.next(m -> isControl(m, "w1", null))).isNotNull();
            WsClient cid = join(app.operator("cid"));
            cid.send("watch", "sites", List.of("w1"));
            cid.send("claim", "site", "w1");
            site.next(m -> isControl(m, "w1", cid.sessionId));
            cid.send("unwatch", "sites", List.of("w1"));
            assertThat(site.next(m -> isControl(m, "w1", null))).isNotNull();
            assertThat(app.appliance.core().controls()).isEmpty();
        }

        @Test
        void twoOperatorsNeverBothHoldASite() throws Exception {
            join(app.site("w1"));
            List<WsClient> ops = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                WsClient op = join(app.operator("op" + i));
                op.send("watch", "sites", List.of("w1"));
                ops.add(op);
            }
            for (int round = 0; round < 5; round++) {
                for (WsClient op : ops) {
                    op.send("claim", "site", "w1");
                }
            }
            for (WsClient op : ops) {
                op.sync();
            }
            assertThat(app.appliance.core().controls()).hasSize(1);
        }

        static boolean isControl(JsonNode m, String site, String primary) {
            return "control".equals(m.path("type").asText()) && site.equals(m.path("site").asText())
                    && (primary == null ? m.get("primary").isNull() : primary.equals(m.get("primary").asText()));
        }
    }

    @Nested
    class VoiceRooms {

        @Test
        void joinListsMembersAndTellsTheOthersLeaveTellsThemToo() throws Exception {
            WsClient ann = join(app.operator("ann"));
            WsClient bob = join(app.operator("bob"));
            ann.send("join-room", "room", "ops");
            assertThat(ann.next("room").get("members")).isEmpty();
            bob.send("join-room", "room", "ops");
            JsonNode room = bob.next("room");
            assertThat(room.get("room").asText()).isEqualTo("ops");
            assertThat(field(room.get("members"), "sessionId")).containsExactly(ann.sessionId);
            JsonNode joined = ann.next("room-event");
            assertThat(joined.get("event").asText()).isEqualTo("joined");
            assertThat(joined.get("peer").get("sessionId").asText()).isEqualTo(bob.sessionId);
            bob.send("leave-room", "room", "ops");
            JsonNode left = ann.next("room-event");
            assertThat(left.get("event").asText()).isEqualTo("left");
            assertThat(left.get("room").asText()).isEqualTo("ops");
        }

        @Test
        void fullRoomIsRoomFull() throws Exception {
            for (int i = 0; i < 6; i++) {
                WsClient c = join(app.operator("op" + i));
                c.send("join-room", "room", "ops");
                c.next("room");
            }
            WsClient seventh = join(app.operator("op6"));
            seventh.send("join-room", "room", "ops");
            JsonNode e = seventh.next("error");
            assertThat(e.get("code").asText()).isEqualTo("room-full");
            assertThat(e.get("ref").asText()).isEqualTo("ops");
            assertThat(seventh.isOpen()).isTrue();
        }
    }

    @Nested
    class StatusAndPresence {

        @Test
        void statusIsKeptForAdminsAndShownToOperatorsInPresence() throws Exception {
            WsClient site = join(app.site("w1"));
            WsClient op = join(app.operator("ann"));
            WsClient other = join(app.operator("bob"));
            op.send("watch", "sites", List.of("w1"));
            site.next("watcher");
            op.send("status", "peer", site.sessionId, "state", "connected", "stats",
                    Map.of("rttMs", 3, "kbpsIn", 2400, "fps", 30, "route", "host"));
            JsonNode update = other.next(m -> "update".equals(m.path("event").asText()));
            assertThat(update.get("peer").get("sessionId").asText()).isEqualTo(op.sessionId);
            assertThat(update.get("peer").get("state").get("state").asText()).isEqualTo("connected");
            assertThat(update.get("peer").get("state").get("stats").get("route").asText()).isEqualTo("host");
            assertThat(app.appliance.core().links()).singleElement()
                    .satisfies(l -> assertThat(l.state()).isEqualTo("connected"));
        }

        @Test
        void presenceOnlineAndOfflineReachOperators() throws Exception {
            WsClient op = join(app.operator("ann"));
            WsClient site = join(app.site("w1"));
            JsonNode online = op.next("presence");
            assertThat(online.get("event").asText()).isEqualTo("online");
            assertThat(online.get("peer").get("role").asText()).isEqualTo("site");
            assertThat(online.get("peer").get("id").asText()).isEqualTo("w1");
            assertThat(online.get("peer").get("name").asText()).isEqualTo("Site w1");
            site.close();
            JsonNode offline = op.next("presence");
            assertThat(offline.get("event").asText()).isEqualTo("offline");
            assertThat(offline.get("peer").get("sessionId").asText()).isEqualTo(site.sessionId);
        }
    }

    @Nested
    class Reconnect {

        @Test
        void pingGetsPong() throws Exception {
            WsClient c = join(app.operator("ann"));
            c.send("ping");
            assertThat(c.next("pong")).isNotNull();
        }

        @Test
        void serverSendsPingFramesAndPongsKeepTheSessionAlive(@TempDir Path other) throws Exception {
            try (TestAppliance fast = TestAppliance.start(other,
                    Map.of("http.tls", "false", "signal.heartbeat-ms", "1000"))) {
                PingCounter counter = new PingCounter();
                ws.connect(counter, fast.signal()).get();
                counter.session.sendText("{\"type\":\"hello\",\"token\":\"" + fast.operator("ann") + "\"}",
                        org.eclipse.jetty.websocket.api.Callback.NOOP);
                counter.awaitPings(4);
                assertThat(counter.session.isOpen()).isTrue();
                assertThat(fast.appliance.core().sessions()).singleElement()
                        .satisfies(s -> assertThat(s.connected()).isTrue());
                counter.session.close(1000, "bye", org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
        }

        @Test
        void resumeWithinTheWindowKeepsTheSessionAndDeliversWhatWasMissed() throws Exception {
            String siteToken = app.site("w1");
            WsClient site = join(siteToken);
            WsClient op = join(app.operator("ann"));
            op.send("watch", "sites", List.of("w1"));
            site.next("watcher");
            site.drop();
            site.awaitClose();
            awaitDetached(app, site.sessionId);
            op.send("offer", "to", site.sessionId, "sdp", "sent while away");
            op.sync();
            WsClient back = connect();
            back.hello(siteToken, site.resumeToken);
            assertThat(back.sessionId).isEqualTo(site.sessionId);
            assertThat(back.next("offer").get("sdp").asText()).isEqualTo("sent while away");
            assertThat(op.sync()).noneMatch(m -> "offline".equals(m.path("event").asText()));
        }

        @Test
        void resumeAfterTheWindowGivesANewSession(@TempDir Path other) throws Exception {
            try (TestAppliance shortWindow = TestAppliance.start(other,
                    Map.of("http.tls", "false", "signal.resume-window-ms", "200"))) {
                String token = shortWindow.site("w1");
                WsClient site = WsClient.connect(ws, shortWindow.signal());
                clients.add(site);
                site.hello(token);
                site.drop();
                site.awaitClose();
                awaitSessions(shortWindow, 0);
                WsClient back = WsClient.connect(ws, shortWindow.signal());
                clients.add(back);
                back.hello(token, site.resumeToken);
                assertThat(back.sessionId).isNotEqualTo(site.sessionId);
            }
        }

        @Test
        void resumeTokenOnlyWorksWithItsCredential() throws Exception {
            WsClient ann = join(app.operator("ann"));
            ann.drop();
            ann.awaitClose();
            WsClient eve = connect();
            eve.hello(app.operator("eve"), ann.resumeToken);
            assertThat(eve.sessionId).isNotEqualTo(ann.sessionId);
        }

        @Test
        void normalCloseEndsAtOnceOtherLossesDoNot() throws Exception {
            WsClient op = join(app.operator("ann"));
            WsClient dropped = join(app.site("w1"));
            WsClient closed = join(app.site("w2"));
            op.sync();
            dropped.drop();
            closed.close();
            JsonNode offline = op.next("presence");
            assertThat(offline.get("event").asText()).isEqualTo("offline");
            assertThat(offline.get("peer").get("id").asText()).isEqualTo("w2");
            assertThat(op.sync()).noneMatch(m -> "offline".equals(m.path("event").asText()));
        }

        @Test
        void resumeWorksAcrossAnApplianceRestart() throws Exception {
            String siteToken = app.site("w1");
            String opToken = app.operator("ann");
            WsClient site = join(siteToken);
            WsClient op = join(opToken);
            op.send("watch", "sites", List.of("w1"));
            op.send("claim", "site", "w1");
            site.next(m -> WatchingAndControl.isControl(m, "w1", op.sessionId));
            app = app.restart(Map.of("http.tls", "false"));
            assertThat(site.awaitClose()).isEqualTo(1001);
            assertThat(op.awaitClose()).isEqualTo(1001);
            WsClient opBack = connect();
            opBack.hello(opToken, op.resumeToken);
            WsClient siteBack = connect();
            siteBack.hello(siteToken, site.resumeToken);
            assertThat(opBack.sessionId).isEqualTo(op.sessionId);
            assertThat(siteBack.sessionId).isEqualTo(site.sessionId);
            assertThat(siteBack.next("control").get("primary").asText()).isEqualTo(op.sessionId);
            assertThat(field(siteBack.welcome.get("peers"), "sessionId")).containsExactly(op.sessionId);
            siteBack.send("offer", "to", op.sessionId, "sdp", "after restart");
            assertThat(opBack.next("offer").get("sdp").asText()).isEqualTo("after restart");
        }

        @Test
        void lateCloseOfAResumedSocketNeverTouchesTheSession() throws Exception {
            String token = app.operator("ann");
            WsClient first = join(token);
            WsClient second = connect();
            second.hello(token, first.resumeToken);
            assertThat(second.sessionId).isEqualTo(first.sessionId);
            assertThat(first.awaitClose()).isEqualTo(4002);
            second.sync();
            assertThat(app.appliance.core().sessions()).singleElement()
                    .satisfies(s -> assertThat(s.connected()).isTrue());
        }

        @Test
        void shutdownClosesSessionsWith1001() throws Exception {
            WsClient c = join(app.site("w1"));
            app.close();
            assertThat(c.awaitClose()).isEqualTo(1001);
            app = TestAppliance.plain(dataDir);
        }
    }

    @Nested
    class Errors {

        @Test
        void unknownTypeMissingFieldAndMistypedFieldKeepTheConnection() throws Exception {
            WsClient c = join(app.operator("ann"));
            c.send("teleport", "to", "x");
            JsonNode unknown = c.next("error");
            assertThat(unknown.get("code").asText()).isEqualTo("unknown-type");
            assertThat(unknown.get("ref").asText()).isEqualTo("teleport");
            assertThat(unknown.get("message").asText()).isNotBlank();
            c.send("offer", "sdp", "x");
            JsonNode missing = c.next("error");
            assertThat(missing.get("code").asText()).isEqualTo("bad-message");
            assertThat(missing.get("ref").asText()).isEqualTo("offer");
            c.send("watch", "sites", "w1");
            assertThat(c.next("error").get("ref").asText()).isEqualTo("watch");
            assertThat(c.isOpen()).isTrue();
        }

        @Test
        void normalIceExchangeIsNeverRateLimited() throws Exception {
            WsClient site = join(app.site("w1"));
            WsClient op = join(app.operator("ann"));
            op.send("watch", "sites", List.of("w1"));
            site.next("watcher");
            site.send("offer", "to", op.sessionId, "sdp", "o");
            for (int i = 0; i < 50; i++) {
                site.send("candidate", "to", op.sessionId, "candidate", "candidate:" + i);
            }
            assertThat(types(site.sync())).doesNotContain("error");
            List<JsonNode> got = op.sync();
            assertThat(types(got).stream().filter(t -> t.equals("candidate"))).hasSize(50);
        }

        @Test
        void floodIsRateLimitedThenClosedWith4008AndBystandersNeverNotice() throws Exception {
            WsClient bystander = join(app.operator("bob"));
            WsClient attacker = join(app.operator("eve"));
            bystander.sync();
            boolean limited = false;
            for (int i = 0; i < 2_000 && attacker.isOpen(); i++) {
                attacker.sendRaw("{\"type\":\"ping\"}");
            }
            assertThat(attacker.awaitClose()).isEqualTo(4008);
            limited = attacker.drain().stream().anyMatch(m -> "rate-limited".equals(m.path("code").asText()));
            assertThat(limited).isTrue();
            assertThat(bystander.sync()).allMatch(m -> "presence".equals(m.path("type").asText()));
            assertThat(bystander.isOpen()).isTrue();
        }

        @Test
        void disablingASiteOrRotatingItsTokenClosesItsSessionWith4001() throws Exception {
            WsClient w1 = join(app.site("w1"));
            WsClient w2 = join(app.site("w2"));
            app.appliance.registry().setEnabled("w1", false);
            assertThat(w1.awaitClose()).isEqualTo(4001);
            String rotated = app.appliance.registry().rotateSiteToken("w2");
            assertThat(w2.awaitClose()).isEqualTo(4001);
            WsClient again = connect();
            assertThat(again.hello(rotated).path("type").asText()).isEqualTo("welcome");
        }

        @Test
        void disabledSitesAndRevokedTokensCannotSayHello() throws Exception {
            String token = app.site("w1");
            app.appliance.registry().setEnabled("w1", false);
            WsClient c = connect();
            assertThat(c.hello(token).path("code").asText()).isEqualTo("unauthorized");
            assertThat(c.awaitClose()).isEqualTo(4001);
            String old = app.site("w2");
            app.appliance.registry().rotateSiteToken("w2");
            WsClient d = connect();
            assertThat(d.hello(old).path("code").asText()).isEqualTo("unauthorized");
        }
    }

    @Nested
    class SiteGroups {

        @Test
        void anotherGroupsSiteDoesNotExistForARestrictedOperator() throws Exception {
            join(app.site("a1", "alpha"));
            WsClient b1 = join(app.site("b1", "beta"));
            WsClient op = join(app.operator("ann", Set.of("alpha")));
            assertThat(field(op.welcome.get("peers"), "id")).containsExactly("a1");
            op.send("watch", "sites", List.of("b1"));
            JsonNode hidden = op.next("error");
            op.send("watch", "sites", List.of("nothing-here"));
            JsonNode missing = op.next("error");
            assertThat(hidden.get("code")).isEqualTo(missing.get("code"));
            op.send("offer", "to", b1.sessionId, "sdp", "x");
            assertThat(op.next("error").get("code").asText()).isEqualTo("unknown-peer");
            op.send("claim", "site", "b1");
            String claimHidden = op.next("error").get("code").asText();
            op.send("claim", "site", "nothing-here");
            assertThat(op.next("error").get("code").asText()).isEqualTo(claimHidden);
            b1.close();
            join(app.site("b2", "beta"));
            assertThat(op.sync()).noneMatch(m -> "presence".equals(m.path("type").asText()));
        }

        @Test
        void everyRelayedTypeAndStatusAboutAnotherGroupsSiteLooksLikeANonexistentPeer() throws Exception {
            WsClient b1 = join(app.site("b1", "beta"));
            WsClient op = join(app.operator("ann", Set.of("alpha")));
            for (String type : List.of("offer", "answer", "bye")) {
                op.send(type, "to", b1.sessionId, "sdp", "x");
                JsonNode hidden = op.next("error");
                op.send(type, "to", "zz-no-such-session", "sdp", "x");
                JsonNode missing = op.next("error");
                assertThat(hidden.get("code")).isEqualTo(missing.get("code"));
                assertThat(hidden.get("code").asText()).isEqualTo("unknown-peer");
                assertThat(hidden.get("message")).isEqualTo(missing.get("message"));
            }
            op.send("candidate", "to", b1.sessionId, "candidate", "c");
            assertThat(op.next("error").get("code").asText()).isEqualTo("unknown-peer");
            op.send("status", "peer", b1.sessionId, "state", "connected");
            assertThat(op.next("error").get("code").asText()).isEqualTo("unknown-peer");
            assertThat(types(b1.sync())).doesNotContain("offer", "answer", "candidate", "bye", "watcher");
        }

        @Test
        void teamsHaveTheirOwnRoomsOfTheSameName() throws Exception {
            WsClient alpha = join(app.operator("ann", Set.of("alpha")));
            WsClient beta = join(app.operator("bob", Set.of("beta")));
            alpha.send("join-room", "room", "control-room");
            alpha.next("room");
            beta.send("join-room", "room", "control-room");
            assertThat(beta.next("room").get("members")).isEmpty();
            assertThat(types(alpha.sync())).doesNotContain("room-event");
        }

        @Test
        void movingASiteToAnotherGroupTakesItAwayAtOnce() throws Exception {
            WsClient site = join(app.site("a1", "alpha"));
            WsClient op = join(app.operator("ann", Set.of("alpha")));
            op.send("watch", "sites", List.of("a1"));
            site.next("watcher");
            app.appliance.registry().updateSite("a1", null, null, "beta");
            JsonNode gone = op.next("presence");
            assertThat(gone.get("event").asText()).isEqualTo("offline");
            assertThat(gone.get("peer").get("id").asText()).isEqualTo("a1");
            assertThat(site.next("watcher").get("event").asText()).isEqualTo("left");
            op.send("claim", "site", "a1");
            assertThat(op.next("error").get("code").asText()).isEqualTo("forbidden");
        }
    }

    static void awaitSessions(TestAppliance app, int count) throws InterruptedException {
        await("sessions: " + count, () -> app.appliance.core().sessions().size() == count);
    }

    /** Waits until the server has noticed a dropped connection (the session is in its resume window). */
    static void awaitDetached(TestAppliance app, String sessionId) throws InterruptedException {
        await(sessionId + " detached", () -> app.appliance.core().sessions().stream()
                .noneMatch(s -> s.sessionId().equals(sessionId) && s.connected()));
    }

    /** Polls a condition the server reaches asynchronously, up to {@link WsClient#WAIT}. */
    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Counts the server's ping frames; Jetty answers them with pongs. */
    public static final class PingCounter implements org.eclipse.jetty.websocket.api.Session.Listener.AutoDemanding {
        volatile org.eclipse.jetty.websocket.api.Session session;
        final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void onWebSocketOpen(org.eclipse.jetty.websocket.api.Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketPing(java.nio.ByteBuffer payload) {
            pings.incrementAndGet();
            session.sendPong(payload, org.eclipse.jetty.websocket.api.Callback.NOOP);
        }

        void awaitPings(int count) throws InterruptedException {
            long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
            while (pings.get() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + pings.get() + " pings");
                }
                Thread.sleep(50);
            }
        }
    }
}
