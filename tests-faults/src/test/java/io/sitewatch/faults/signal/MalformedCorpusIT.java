package io.sitewatch.faults.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sitewatch.appliance.it.RawWebSocket;
import io.sitewatch.appliance.it.TestAppliance;
import io.sitewatch.appliance.it.WsClient;
import io.sitewatch.faults.Figures;
import io.sitewatch.faults.LogWatch;
import io.sitewatch.faults.Secrets;
import io.sitewatch.faults.signal.Contract.Expect;
import io.sitewatch.faults.signal.Contract.Outcome;
import io.sitewatch.faults.signal.Contract.Peer;
import io.sitewatch.faults.signal.Contract.World;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phase 1 of the reliability campaign (issue 10): for every client message type of protocol.md, thousands of
 * mutated messages from a site and from an operator. Each must get exactly the answer {@link Contract} derives from
 * the contract, relayed ones must reach their target exactly as written (with {@code from} stamped), bystanders see
 * nothing, the server logs no unhandled exception. Before {@code welcome}, every frame but a good hello is
 * {@code unauthorized} and 4001; invalid UTF-8 is 1007 before and after.
 */
class MalformedCorpusIT {

    static final long SEED = Long.getLong("faults.seed", 20_261_123L);
    /** Strict JSON, as protocol.md requires of every frame: what the server sends must parse with it. */
    static final ObjectMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    @TempDir
    Path dataDir;
    TestAppliance app;
    WebSocketClient ws;
    final List<WsClient> clients = new ArrayList<>();
    final Figures figures = Figures.of("phase1-malformed");
    final Map<String, Long> answers = new TreeMap<>();
    final Map<String, Long> byType = new TreeMap<>();
    LogWatch log;

    @BeforeEach
    void start() throws Exception {
        // The corpus checks answers, not the rate limit (phase 4 floods): no message may be dropped for rate.
        app = TestAppliance.start(dataDir, Map.of("http.tls", "false", "signal.rate-per-second", "1000000",
                "signal.rate-burst", "1000000"));
        ws = new WebSocketClient();
        ws.setMaxTextMessageSize(1 << 20);
        ws.start();
        log = LogWatch.start(); // from here on: start-up lines are not the corpus' business
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(WsClient::close);
        ws.stop();
        app.close();
    }

    WsClient connect() throws Exception {
        WsClient c = WsClient.connect(ws, app.signal());
        c.keepTexts = true;
        clients.add(c);
        return c;
    }

    WsClient join(String token, Peer peer) throws Exception {
        WsClient c = connect();
        assertThat(c.hello(token).path("type").asText()).isEqualTo("welcome");
        peer.sessionId = c.sessionId;
        return c;
    }

    @Test
    void everyMutatedMessageGetsTheContractsAnswer() throws Exception {
        long started = System.nanoTime();
        figures.put("seed", SEED); // -Dfaults.seed=N replays a run
        String opToken = Provision.operator(app, "eve", Set.of("g9"));
        String siteToken = Provision.site(app, "s9", "g9");
        beforeWelcome(opToken, siteToken);
        invalidUtf8(siteToken);

        World world = new World(64);
        world.sites.put("s1", "g1");
        world.sites.put("s2", "g2");
        world.sites.put("s9", "g9");
        Peer s1 = Peer.site("s1", "g1");
        Peer s2 = Peer.site("s2", "g2");
        Peer ann = Peer.operator("ann", Set.of("g1"));
        Peer bob = Peer.operator("bob", Set.of("g1"));
        Peer cat = Peer.operator("cat", Set.of("g2"));
        WsClient s1c = join(Provision.site(app, "s1", "g1"), s1);
        WsClient s2c = join(Provision.site(app, "s2", "g2"), s2);
        String annToken = Provision.operator(app, "ann", Set.of("g1"));
        WsClient annc = join(annToken, ann);
        WsClient bobc = join(Provision.operator(app, "bob", Set.of("g1")), bob);
        WsClient catc = join(Provision.operator(app, "cat", Set.of("g2")), cat);
        WsClient gone = connect();
        gone.hello(Provision.operator(app, "dan", Set.of("g1")));
        String offline = gone.sessionId;
        gone.close();
        gone.awaitClose();
        world.online.addAll(List.of(s1, s2, ann, bob, cat));

        annc.send("watch", "sites", List.of("s1"));
        bobc.send("watch", "sites", List.of("s1"));
        annc.send("claim", "site", "s1");
        annc.send("join-room", "room", "r1");
        bobc.send("join-room", "room", "r1");
        annc.send("status", "peer", s1.sessionId, "state", "connected");
        annc.sync();
        bobc.sync(); // s1 may report about ann only once ann watches it: another connection, another thread
        s1c.send("status", "peer", ann.sessionId, "state", "connected");
        s1c.sync(); // now its presence update is in ann's and bob's outboxes, before their pongs below
        ann.watching.add("s1");
        bob.watching.add("s1");
        world.primary.put("s1", ann);
        ann.rooms.add("r1");
        bob.rooms.add("r1");
        ann.links.put(s1.sessionId, "connected");
        s1.links.put(ann.sessionId, "connected");
        for (WsClient c : List.of(annc, bobc, s1c, s2c, catc)) {
            c.sync();
            assertThat(c.drain()).as("setup without errors").noneMatch(m -> m.path("type").asText().equals("error"));
            c.takeTexts();
        }

        List<String> targets = List.of("s1", s1.sessionId, s2.sessionId, ann.sessionId, bob.sessionId,
                cat.sessionId, offline, "s2", "s9", "nosuch", "r1", "lobby", "AAAAAAAAAAAAAAAAAAAAAA",
                s1.sessionId.toUpperCase(), "ann", "bob");
        Map<Peer, WsClient> clientOf = Map.of(s1, s1c, ann, annc, bob, bobc);
        int perType = Figures.scale(500, 5000); // per sender: 1000 (10 000) per type
        Random order = new Random(SEED);
        for (Peer sender : List.of(ann, s1)) {
            Mutations mutations = new Mutations(SEED ^ sender.id.hashCode(), targets);
            List<Mutations.Case> cases = new ArrayList<>();
            for (String type : Contract.TYPES) {
                Map<String, Object> base = Mutations.base(type, baseTarget(type, sender, s1, ann, bob),
                        sender == ann ? annToken : "not-a-token");
                for (int i = 0; i < perType; i++) {
                    cases.add(mutations.next(base));
                }
            }
            java.util.Collections.shuffle(cases, order);
            run(world, sender, clientOf, cases);
        }

        for (WsClient bystander : List.of(s2c, catc)) {
            assertThat(bystander.sync()).as("a bystander sees nothing").isEmpty();
        }
        nonFiniteStatsStayOut(annc, bobc, s1);
        for (WsClient c : clients) {
            for (String text : c.takeTexts()) {
                strict(text); // the server only ever sends strict JSON
            }
        }

        List<String> problems = log.report(figures);
        answers.forEach(figures::put);
        figures.put("triedByType", byType.toString().replace(" ", ""));
        figures.put("seconds", (System.nanoTime() - started) / 1_000_000_000.0).report();
        assertThat(problems).as("unhandled exceptions in the appliance log").isEmpty();
    }

    static String baseTarget(String type, Peer sender, Peer s1, Peer ann, Peer bob) {
        boolean site = sender.site;
        return switch (type) {
            case "offer", "candidate" -> site ? ann.sessionId : s1.sessionId;
            case "answer", "bye" -> bob.sessionId;
            case "watch", "claim" -> "s1";
            case "unwatch", "release" -> site ? "s1" : "s2";
            case "join-room" -> "r1";
            case "leave-room" -> site ? "r1" : "lobby";
            case "status" -> site ? ann.sessionId : s1.sessionId;
            default -> null;
        };
    }

    /** Pipelines the cases in batches; after each, the sender's answers and the targets' relays are compared. */
    void run(World world, Peer sender, Map<Peer, WsClient> clientOf, List<Mutations.Case> cases) throws Exception {
        WsClient client = clientOf.get(sender);
        int batch = 200;
        for (int from = 0; from < cases.size(); from += batch) {
            List<Mutations.Case> sent = new ArrayList<>();
            List<Expect> expected = new ArrayList<>();
            List<Mutations.Case> owners = new ArrayList<>();
            Map<Peer, List<String>> relays = new LinkedHashMap<>();
            for (Mutations.Case c : cases.subList(from, Math.min(cases.size(), from + batch))) {
                Outcome outcome = c.message() == null ? Contract.notJson() : Contract.answer(world, sender, c.message());
                if (outcome.changesState()) {
                    figures.add("skippedStateChanging", 1);
                    continue;
                }
                client.sendRaw(c.frame());
                sent.add(c);
                figures.add("tried", 1);
                byType.merge(c.of(), 1L, Long::sum);
                expected.addAll(outcome.toSender());
                outcome.toSender().forEach(e -> owners.add(c));
                outcome.toSender().forEach(e -> answers.merge(e.code() == null ? e.type() : e.code(), 1L, Long::sum));
                if (outcome.relayTo() != null) {
                    relays.computeIfAbsent(outcome.relayTo(), p -> new ArrayList<>()).add(c.frame());
                    answers.merge("relayed", 1L, Long::sum);
                } else if (outcome.toSender().isEmpty()) {
                    answers.merge("silent", 1L, Long::sum);
                }
            }
            List<JsonNode> got = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                got.add(client.next(m -> true));
            }
            got.addAll(client.sync());
            client.takeTexts();
            assertThat(got).as("answers to %s", describe(sent)).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                Expect e = expected.get(i);
                if (!Contract.same(e, got.get(i))) {
                    java.nio.file.Files.writeString(Secrets.reports().resolve("phase1-failing-case.txt"),
                            owners.get(i).frame() + "\n" + got.get(i) + "\n");
                }
                assertThat(Contract.same(e, got.get(i))).as("answer %d to %s: expected %s, got %s; previous answers %s",
                        i, describe(List.of(owners.get(i))), e, abbreviate(got.get(i)),
                        abbreviate(got.subList(Math.max(0, i - 3), i))).isTrue();
            }
            for (Map.Entry<Peer, WsClient> target : clientOf.entrySet()) {
                if (target.getKey() == sender) {
                    continue;
                }
                target.getValue().sync();
                target.getValue().drain();
                List<String> received = target.getValue().takeTexts();
                received.removeIf(t -> strict(t).path("type").asText().equals("pong"));
                List<String> want = relays.getOrDefault(target.getKey(), List.of());
                assertThat(received).as("relays to %s", target.getKey()).hasSameSizeAs(want);
                for (int i = 0; i < want.size(); i++) {
                    Map<String, String> expectMembers = Wire.members(want.get(i));
                    expectMembers.put("from", "\"" + sender.sessionId + "\"");
                    assertThat(Wire.members(received.get(i))).as("relayed as written, from stamped")
                            .isEqualTo(expectMembers);
                }
            }
        }
    }

    /** Before welcome: a good hello gets welcome; anything else unauthorized and 4001 (protocol.md, Clarifications). */
    void beforeWelcome(String opToken, String siteToken) throws Exception {
        List<String> targets = List.of(opToken, siteToken, "o" + "A".repeat(16) + "." + "B".repeat(43), "x");
        Mutations mutations = new Mutations(SEED, targets);
        int n = Figures.scale(300, 3000);
        for (int i = 0; i < n; i++) {
            String type = i % 3 == 0 ? Contract.TYPES.get(i / 3 % Contract.TYPES.size()) : "hello";
            Mutations.Case c = mutations.next(Mutations.base(type, "x", i % 2 == 0 ? opToken : siteToken));
            boolean welcome = Contract.wellFormed(c.message()) && c.message() instanceof Map<?, ?> m
                    && "hello".equals(m.get("type")) && (opToken.equals(m.get("token")) || siteToken.equals(m.get("token")));
            WsClient client = connect();
            client.sendRaw(c.frame());
            JsonNode answer = client.next(m -> true);
            figures.add("tried", 1);
            if (welcome) {
                assertThat(answer.path("type").asText()).as("hello %s", c.frame()).isEqualTo("welcome");
                answers.merge("welcome", 1L, Long::sum);
                client.close();
            } else {
                assertThat(Contract.same(Expect.error("unauthorized", null), answer))
                        .as("first frame %s (%s) got %s", abbreviate(c.frame()), c.kind(), answer).isTrue();
                assertThat(client.awaitClose()).isEqualTo(4001);
                answers.merge("unauthorized", 1L, Long::sum);
            }
            client.awaitClose();
            clients.remove(client);
        }
    }

    /** Invalid UTF-8 anywhere in a text frame closes with 1007, before and after welcome (protocol.md, Transport). */
    void invalidUtf8(String siteToken) throws Exception {
        List<byte[]> bad = List.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF5, (byte) 0x80, (byte) 0x80,
                (byte) 0x80}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xE2, (byte) 0x82},
                new byte[] {(byte) 0xF0, (byte) 0x90, (byte) 0x80});
        Random random = new Random(SEED);
        int n = Figures.scale(40, 400);
        for (int i = 0; i < n; i++) {
            byte[] frame = ("{\"type\":\"offer\",\"to\":\"x\",\"sdp\":\"v=0" + "y".repeat(random.nextInt(100)) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            int at = random.nextInt(frame.length + 1);
            byte[] inject = bad.get(i % bad.size());
            byte[] damaged = new byte[frame.length + inject.length];
            System.arraycopy(frame, 0, damaged, 0, at);
            System.arraycopy(inject, 0, damaged, at, inject.length);
            System.arraycopy(frame, at, damaged, at + inject.length, frame.length - at);
            try (RawWebSocket raw = RawWebSocket.open(app.signal())) {
                if (i % 2 == 1) {
                    raw.sendText(("{\"type\":\"hello\",\"token\":\"" + siteToken + "\"}").getBytes(StandardCharsets.UTF_8));
                }
                raw.sendText(damaged);
                assertThat(raw.awaitCloseCode()).as("invalid UTF-8 at %d of frame %d", at, i).isEqualTo(1007);
            }
            figures.add("tried", 1);
            answers.merge("close1007", 1L, Long::sum);
        }
    }

    /** status keeps only finite numbers: 1e400 never reaches an operator as Infinity (protocol.md, Limits). */
    void nonFiniteStatsStayOut(WsClient annc, WsClient bobc, Peer s1) throws Exception {
        annc.sendRaw("{\"type\":\"status\",\"peer\":\"" + s1.sessionId + "\",\"state\":\"failed\",\"stats\":"
                + "{\"rttMs\":1e400,\"kbpsOut\":-1e400,\"kbpsIn\":12.5,\"fps\":1e308,\"route\":\"relay\"}}");
        annc.sync();
        JsonNode update = bobc.next("presence");
        JsonNode stats = update.get("peer").get("state").get("stats");
        assertThat(stats.has("rttMs")).isFalse();
        assertThat(stats.has("kbpsOut")).isFalse();
        assertThat(stats.get("kbpsIn").asDouble()).isEqualTo(12.5);
        assertThat(stats.get("fps").asDouble()).isEqualTo(1e308);
        assertThat(stats.get("route").asText()).isEqualTo("relay");
    }

    static JsonNode strict(String text) {
        try {
            return STRICT.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("the server sent a frame that is not strict JSON: " + abbreviate(text), e);
        }
    }

    static String describe(List<Mutations.Case> cases) {
        return cases.stream().map(c -> c.kind() + " " + abbreviate(c.frame())).toList().toString();
    }

    static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + ")";
    }
}
