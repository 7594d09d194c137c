package io.sitewatch.faults.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sitewatch.appliance.it.TestAppliance;
import io.sitewatch.appliance.it.WsClient;
import io.sitewatch.appliance.registry.Registry;
import io.sitewatch.faults.Figures;
import io.sitewatch.faults.LogWatch;
import io.sitewatch.faults.Secrets;
import io.sitewatch.faults.signal.Contract.Expect;
import io.sitewatch.faults.signal.Contract.Peer;
import io.sitewatch.faults.signal.Contract.World;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phase 2 of the reliability campaign (issue 10): every credential kind x every client message type x every kind
 * of target, each cell checked against {@link Effects} (what the sender and every other session must receive) or,
 * for credentials that must not work, against {@code unauthorized} + 4001 with nothing reaching anyone. A fresh
 * sender session per cell keeps the cells independent; the long-lived sessions are the targets and observers.
 */
class AuthorizationMatrixIT {

    /** Who a target is; {@link #arg} turns it into the {@code to}, site id or room name a message carries. */
    enum Target { SELF, SITE_W1, SITE_W2, SITE_X1, OPERATOR_PAL, OPERATOR_QED, OPERATOR_XO, UNKNOWN, OFFLINE }

    /** A credential that works, and how its session is prepared before the cell's message. */
    record Kind(String name, String token, Peer model, String home) {}

    @TempDir
    Path dataDir;
    TestAppliance app;
    Registry registry;
    WebSocketClient ws;
    final List<WsClient> clients = new ArrayList<>();
    final Figures figures = Figures.of("phase2-authz");
    final Map<Peer, WsClient> live = new LinkedHashMap<>();
    final World world = new World(64);
    String goneSession;
    LogWatch log;

    @BeforeEach
    void start() throws Exception {
        app = TestAppliance.start(dataDir, Map.of("http.tls", "false", "signal.rate-per-second", "1000000",
                "signal.rate-burst", "1000000"));
        registry = app.appliance.registry();
        ws = new WebSocketClient();
        ws.start();
        log = LogWatch.start();
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

    WsClient join(String token, Peer peer) throws Exception {
        WsClient c = connect();
        assertThat(c.hello(token).path("type").asText()).as("welcome for %s", peer).isEqualTo("welcome");
        peer.sessionId = c.sessionId;
        if (peer.site) {
            c.next("control");
        }
        return c;
    }

    String site(String id, String group) {
        world.sites.put(id, group);
        return Provision.site(app, id, group);
    }

    String operator(String name, Set<String> groups) {
        return Provision.operator(app, name, groups);
    }

    @Test
    void everyCredentialTimesEveryTypeTimesEveryTargetIsAsTheContractSays() throws Exception {
        long started = System.nanoTime();
        Peer w1 = Peer.site("w1", "g1");
        Peer w2 = Peer.site("w2", "g1");
        Peer x1 = Peer.site("x1", "g2");
        Peer pal = Peer.operator("pal", Set.of("g1"));
        Peer qed = Peer.operator("qed", Set.of("g1"));
        Peer xo = Peer.operator("xo", Set.of("g2"));
        live.put(w1, join(site("w1", "g1"), w1));
        live.put(w2, join(site("w2", "g1"), w2));
        live.put(x1, join(site("x1", "g2"), x1));
        site("off", "g1");
        List<Kind> kinds = List.of(
                new Kind("site", site("sa", "g1"), Peer.site("sa", "g1"), null),
                new Kind("other-group site", site("sx", "g2"), Peer.site("sx", "g2"), null),
                new Kind("operator", operator("oa", Set.of("g1")), Peer.operator("oa", Set.of("g1")), "w1"),
                new Kind("other-group operator", operator("ox", Set.of("g2")), Peer.operator("ox", Set.of("g2")), "x1"),
                new Kind("all-groups operator", operator("oall", null), Peer.operator("oall", null), "w1"));
        live.put(pal, join(operator("pal", Set.of("g1")), pal));
        live.put(qed, join(operator("qed", Set.of("g1")), qed));
        live.put(xo, join(operator("xo", Set.of("g2")), xo));
        prepare(pal, List.of("w1"), "r");
        prepare(qed, List.of("w1", "w2", "sa"), "q");
        prepare(xo, List.of("x1", "sx"), "r");
        WsClient gone = connect();
        gone.hello(operator("gone", Set.of("g1")));
        goneSession = gone.sessionId;
        gone.close();
        gone.awaitClose();
        world.online.addAll(live.keySet());
        settle();

        Map<Target, Peer> byTarget = Map.of(Target.SITE_W1, w1, Target.SITE_W2, w2, Target.SITE_X1, x1,
                Target.OPERATOR_PAL, pal, Target.OPERATOR_QED, qed, Target.OPERATOR_XO, xo);
        for (Kind kind : kinds) {
            for (String type : Contract.TYPES) {
                for (Target target : Target.values()) {
                    validCell(kind, type, target, byTarget, kind.model().site ? (kind.model().group.equals("g1") ? qed : xo)
                            : qed);
                }
            }
        }
        refusedCredentials(byTarget);
        resumeTokensAreBoundToTheirCredential(kinds, qed);
        revokedWhileConnected(qed);

        List<String> problems = log.report(figures);
        figures.put("seconds", (System.nanoTime() - started) / 1_000_000_000.0).report();
        assertThat(problems).as("unhandled exceptions in the appliance log").isEmpty();
    }

    /** A long-lived operator's watch set and room, in the server and in the model. */
    void prepare(Peer operator, List<String> sites, String room) throws Exception {
        WsClient c = live.get(operator);
        c.send("watch", "sites", sites);
        c.send("join-room", "room", room);
        c.sync();
        operator.watching.addAll(sites);
        operator.rooms.add(room);
    }

    /** Everything caused so far is delivered and read: operators first, their effects land on the sites. */
    void settle() throws Exception {
        for (WsClient c : live.values()) {
            c.sync();
            c.drain();
        }
    }

    void validCell(Kind kind, String type, Target target, Map<Target, Peer> byTarget, Peer seesSender)
            throws Exception {
        Peer sender = copy(kind.model());
        WsClient client = join(kind.token(), sender);
        if (kind.home() != null) {
            client.send("watch", "sites", List.of(kind.home()));
            client.next("control");
            client.send("join-room", "room", "r");
            client.next("room");
            sender.watching.add(kind.home());
            sender.rooms.add("r");
        }
        client.sync();
        client.drain();
        settle();
        world.online.add(sender);

        String arg = arg(type, target, sender, byTarget);
        Map<Peer, List<Expect>> expected = Effects.of(world, sender, type, arg);
        client.send(message(type, arg, kind.token()));
        List<Expect> own = expected.getOrDefault(sender, List.of());
        String cell = kind.name() + " x " + type + " x " + target + " (" + arg + ")";
        for (Expect e : own) {
            JsonNode got = client.next(m -> true);
            assertThat(Contract.same(e, got)).as("%s: sender expected %s, got %s", cell, e, got).isTrue();
        }
        assertThat(client.sync()).as("%s: nothing more for the sender", cell).isEmpty();
        for (Map.Entry<Peer, WsClient> other : live.entrySet()) {
            List<JsonNode> got = other.getValue().sync();
            List<Expect> want = expected.getOrDefault(other.getKey(), List.of());
            assertThat(got).as("%s: %s expected %s", cell, other.getKey(), want).hasSameSizeAs(want);
            for (int i = 0; i < want.size(); i++) {
                assertThat(Contract.same(want.get(i), got.get(i))).as("%s: %s expected %s, got %s", cell,
                        other.getKey(), want.get(i), got.get(i)).isTrue();
            }
        }
        figures.add("cells", 1);
        figures.add(expected.values().stream().flatMap(List::stream).anyMatch(e -> e.code() != null)
                ? "refusedCells" : "allowedCells", 1);

        world.online.remove(sender);
        client.close();
        String id = sender.sessionId;
        live.get(seesSender).next(m -> "presence".equals(m.path("type").asText())
                && "offline".equals(m.path("event").asText()) && id.equals(m.path("peer").path("sessionId").asText()));
        clients.remove(client);
    }

    static Peer copy(Peer model) {
        return model.site ? Peer.site(model.id, model.group) : Peer.operator(model.id, model.groups);
    }

    String arg(String type, Target target, Peer sender, Map<Target, Peer> byTarget) {
        Peer peer = byTarget.get(target);
        if (Contract.RELAYED.contains(type) || type.equals("status")) {
            return switch (target) {
                case SELF -> sender.sessionId;
                case UNKNOWN -> "AAAAAAAAAAAAAAAAAAAAAA";
                case OFFLINE -> goneSession;
                default -> peer.sessionId;
            };
        }
        if (type.equals("join-room") || type.equals("leave-room")) {
            return switch (target) {
                case SELF, OPERATOR_PAL, OPERATOR_XO -> "r";
                case OPERATOR_QED -> "q";
                case UNKNOWN -> "nosuch";
                case OFFLINE -> "gone";
                default -> peer.id;
            };
        }
        return switch (target) {
            case SELF -> sender.id;
            case UNKNOWN -> "nosuch";
            case OFFLINE -> "off";
            default -> peer.id;
        };
    }

    static ObjectNode message(String type, String arg, String token) {
        ObjectNode m = WsClient.JSON.createObjectNode().put("type", type);
        switch (type) {
            case "hello" -> m.put("token", token);
            case "offer", "answer" -> m.put("to", arg).put("sdp", "v=0\r\n");
            case "candidate" -> m.put("to", arg).putNull("candidate");
            case "bye" -> m.put("to", arg);
            case "watch", "unwatch" -> m.putArray("sites").add(arg);
            case "claim", "release" -> m.put("site", arg);
            case "join-room", "leave-room" -> m.put("room", arg);
            case "status" -> m.put("peer", arg).put("state", "connected");
            default -> { }
        }
        return m;
    }

    /**
     * Credentials that must not work: revoked, expired, a disabled site's, a rotated site token, a made-up one.
     * hello with them, and any message right behind it, get unauthorized and 4001; nothing reaches anyone.
     */
    void refusedCredentials(Map<Target, Peer> byTarget) throws Exception {
        String revoked = operator("rev", Set.of("g1"));
        registry.revokeToken(revoked.substring(0, revoked.indexOf('.')));
        operator("exp", Set.of("g1"));
        String expired = Secrets.issued(registry.issueOperatorToken("exp", Duration.ofSeconds(-1)).token());
        String disabled = site("dis", "g1");
        registry.setEnabled("dis", false);
        String rotated = site("rot", "g1");
        Secrets.issued(registry.rotateSiteToken("rot"));
        Map<String, String> refused = Map.of("revoked", revoked, "expired", expired, "disabled site", disabled,
                "rotated site token", rotated, "made-up", "o" + "A".repeat(16) + "." + "B".repeat(43));
        settle(); // the last valid cell's goodbye (watcher left, control) is not this part's business
        Peer probe = Peer.operator("probe", null);
        probe.sessionId = "AAAAAAAAAAAAAAAAAAAAAB";
        for (Map.Entry<String, String> credential : refused.entrySet()) {
            for (String type : Contract.TYPES) {
                for (Target target : Target.values()) {
                    WsClient c = connect();
                    c.sendRaw("{\"type\":\"hello\",\"token\":\"" + credential.getValue() + "\"}\n");
                    try {
                        c.send(message(type, arg(type, target, probe, byTarget), credential.getValue()));
                    } catch (java.util.concurrent.ExecutionException closedAlready) {
                        figures.add("closedBeforeSecondFrame", 1); // refused so fast the frame never left
                    }
                    JsonNode answer = c.next(m -> true);
                    assertThat(Contract.same(Expect.error("unauthorized", null), answer))
                            .as("%s x %s x %s: %s", credential.getKey(), type, target, answer).isTrue();
                    assertThat(c.awaitClose()).isEqualTo(4001);
                    assertThat(c.drain()).as("nothing after unauthorized").isEmpty();
                    clients.remove(c);
                    figures.add("cells", 1).add("refusedCells", 1);
                }
            }
            for (WsClient c : live.values()) {
                assertThat(c.sync()).as("%s: no session saw anything", credential.getKey()).isEmpty();
            }
        }
    }

    /**
     * protocol.md, Clarifications: a resume token works only with the credential that created it. Every other
     * working credential gets a new session with it, never the dropped one; refused ones stay refused; the owner
     * still gets its session back afterwards.
     */
    void resumeTokensAreBoundToTheirCredential(List<Kind> kinds, Peer qed) throws Exception {
        String ownerToken = operator("owner", Set.of("g1"));
        WsClient owner = join(ownerToken, Peer.operator("owner", Set.of("g1")));
        String session = owner.sessionId;
        String resume = owner.resumeToken;
        owner.drop();
        String sameName = Secrets.issued(registry.issueOperatorToken("owner", null).token());
        List<String> others = new ArrayList<>(kinds.stream().map(Kind::token).toList());
        others.add(sameName); // the same operator, another token: still another credential
        for (String token : others) {
            WsClient c = connect();
            JsonNode welcome = c.hello(token, resume);
            assertThat(welcome.path("type").asText()).isEqualTo("welcome");
            assertThat(welcome.path("sessionId").asText()).as("a foreign resume token gives a new session")
                    .isNotEqualTo(session);
            c.close();
            c.awaitClose();
            clients.remove(c);
            figures.add("cells", 1).add("resumeCells", 1);
        }
        WsClient c = connect();
        JsonNode refused = c.hello("o" + "A".repeat(16) + "." + "B".repeat(43), resume);
        assertThat(Contract.same(Expect.error("unauthorized", null), refused)).isTrue();
        assertThat(c.awaitClose()).isEqualTo(4001);
        clients.remove(c);
        WsClient back = connect();
        assertThat(back.hello(ownerToken, resume).path("sessionId").asText()).as("the owner resumes").isEqualTo(session);
        back.close();
        back.awaitClose();
        clients.remove(back);
        figures.add("cells", 2).add("resumeCells", 2);
        settle();
    }

    /** A credential revoked, rotated or disabled while its session is live ends it: unauthorized, 4001. */
    void revokedWhileConnected(Peer qed) throws Exception {
        List<Runnable> revocations = new ArrayList<>();
        List<WsClient> victims = new ArrayList<>();
        String opToken = operator("victim", Set.of("g1"));
        victims.add(join(opToken, Peer.operator("victim", Set.of("g1"))));
        revocations.add(() -> registry.revokeToken(opToken.substring(0, opToken.indexOf('.'))));
        victims.add(join(operator("removed", Set.of("g1")), Peer.operator("removed", Set.of("g1"))));
        revocations.add(() -> registry.removeOperator("removed"));
        victims.add(join(site("gone1", "g1"), Peer.site("gone1", "g1")));
        revocations.add(() -> registry.setEnabled("gone1", false));
        victims.add(join(site("gone2", "g1"), Peer.site("gone2", "g1")));
        revocations.add(() -> Secrets.issued(registry.rotateSiteToken("gone2")));
        for (int i = 0; i < victims.size(); i++) {
            WsClient victim = victims.get(i);
            String id = victim.sessionId;
            revocations.get(i).run();
            JsonNode error = victim.next("error");
            assertThat(error.path("code").asText()).isEqualTo("unauthorized");
            assertThat(victim.awaitClose()).isEqualTo(4001);
            live.get(qed).next(m -> "offline".equals(m.path("event").asText())
                    && id.equals(m.path("peer").path("sessionId").asText()));
            figures.add("cells", 1).add("revokedLive", 1);
        }
    }
}
