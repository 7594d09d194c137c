package io.sitewatch.faults.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.it.TestAppliance;
import io.sitewatch.appliance.it.WsClient;
import io.sitewatch.faults.Figures;
import io.sitewatch.faults.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Phase 7, crash: the shaded jar as a child process, killed with SIGKILL at random moments while sites say hello,
 * upload recording chunks and relay, operators claim control; also during start-up (migrations on a fresh
 * database, the startup reconcile, the session restore) and during the graceful stop's WAL checkpoint. After
 * every restart, seen from outside: the database passes integrity_check, every acknowledged chunk is indexed with
 * its file intact, index and files agree, sessions resume (or start cleanly), and each site has at most one primary,
 * the one its site client was told about.
 */
class CrashIT {

    private static final String REC_A = "crash-rec-aaaaaaaaaaaa";
    private static final String REC_B = "crash-rec-bbbbbbbbbbbb";
    private static final int SITES = 4;

    private enum Kill { UNDER_LOAD, DURING_START, DURING_STOP }

    private final Random random = new Random(Long.getLong("faults.seed", System.nanoTime()));
    private final Figures figures = Figures.of("phase7-crash");
    private final WebSocketClient ws = new WebSocketClient();
    /** Uploads hold it shared; a check holds it exclusively, so it sees the state the startup reconcile left. */
    private final ReentrantReadWriteLock uploads = new ReentrantReadWriteLock();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong hellos = new AtomicLong();
    private final AtomicLong claims = new AtomicLong();
    private final AtomicLong offersSent = new AtomicLong();
    private final AtomicLong offersReceived = new AtomicLong();
    private final List<Thread> background = new ArrayList<>();
    private ChildAppliance child;

    @BeforeEach
    void start() throws Exception {
        ws.start();
    }

    @AfterEach
    void stop() throws Exception {
        running.set(false);
        for (Thread t : background) {
            t.join(30_000);
        }
        if (child != null) {
            child.close();
        }
        ws.stop();
    }

    /** A signaling client that keeps its session across connections. */
    private static final class Peer {
        final String id;
        final String token;
        final boolean operator;
        WsClient client;
        String sessionId;
        String resumeToken;

        Peer(String id, String token, boolean operator) {
            this.id = id;
            this.token = token;
            this.operator = operator;
        }
    }

    @Test
    void killNineAtRandomMomentsLosesNoAcknowledgedChunkAndNeverDoublesControl() throws Exception {
        Path root = Path.of("target", "faults-crash").toAbsolutePath();
        deleteTree(root);
        Path data = root.resolve("main");
        Map<String, String> tokens = provision(data);
        for (String zero : List.of("lost", "disagreements", "integrityFailures", "doubledControl", "resumed",
                "freshSessions", "kills.under-load", "kills.during-start", "kills.during-stop",
                "stoppedBeforeTheKill")) {
            figures.put(zero, 0L);
        }
        child = new ChildAppliance(data, ChildAppliance.freePort(), "crash-main.log", List.of());
        StoreCheck check = new StoreCheck(data);
        List<ChunkUploader> uploaders = List.of(
                new ChunkUploader(() -> child.url("/"), tokens.get("crash-up"), REC_A, 20_000, 150_000),
                new ChunkUploader(() -> child.url("/"), tokens.get("crash-up"), REC_B, 1_000, 40_000));
        List<Peer> sites = new ArrayList<>();
        for (int i = 1; i <= SITES; i++) {
            sites.add(new Peer("crash-s" + i, tokens.get("crash-s" + i), false));
        }
        List<Peer> operators = List.of(new Peer("crash-op1", tokens.get("crash-op1"), true),
                new Peer("crash-op2", tokens.get("crash-op2"), true));

        uploads.writeLock().lock();
        child.start();
        verify(check, uploaders, sites, operators);
        uploaders.forEach(u -> background(() -> upload(u)));
        background(() -> churn(tokens.get("crash-churn")));

        List<Kill> plan = plan(Figures.scale(8, 120));
        for (Kill kill : plan) {
            List<Thread> drivers = operators.stream().map(op -> background(() -> drive(op, sites))).toList();
            Thread.sleep(300 + random.nextInt(2200));
            switch (kill) {
                case UNDER_LOAD -> {
                    child.kill();
                    figures.add("kills.under-load", 1);
                }
                case DURING_STOP -> figures.add(child.terminateThenKill(random.nextInt(300))
                        ? "kills.during-stop" : "stoppedBeforeTheKill", 1);
                case DURING_START -> {
                    child.kill();
                    child.spawn();
                    Thread.sleep(random.nextInt(3000));
                    child.kill();
                    figures.add("kills.under-load", 1).add("kills.during-start", 1);
                }
            }
            for (Thread driver : drivers) {
                driver.join(30_000);
            }
            uploads.writeLock().lock();
            child.start();
            verify(check, uploaders, sites, operators);
        }
        long migrationKills = killDuringMigration(root.resolve("fresh"), Figures.scale(2, 10));

        running.set(false);
        uploads.writeLock().lock();
        StoreCheck.Result last;
        try {
            last = check.run();
        } finally {
            uploads.writeLock().unlock();
        }
        long acked = 0;
        for (ChunkUploader u : uploaders) {
            acked += u.acked().size();
            assertThat(u.statuses().keySet()).as("statuses %s", u.statuses())
                    .allSatisfy(s -> assertThat(s).isIn(200, 201, 503));
        }
        figures.put("kills", figures.get("kills.under-load") + figures.get("kills.during-start")
                        + figures.get("kills.during-stop") + migrationKills)
                .put("chunksAcked", acked).put("chunksIndexed", last.rows().size()).put("hellos", hellos.get())
                .put("claims", claims.get()).put("relayed", offersReceived.get()).put("relaySent", offersSent.get())
                .report();
        assertThat(acked).isPositive();
        // A chunk indexed while its answer was lost to a kill is sent again and answered "exists": in the end the
        // site knows of every chunk the appliance holds.
        assertThat(last.rows()).hasSize((int) acked);
        assertThat(figures.get("resumed")).as("sessions resumed across restarts").isPositive();
    }

    /**
     * What an operator was told survives a kill -9 that follows at once: the appliance answers a claim with
     * {@code control}, is killed as soon as that arrives, and after the restart the resumed session is still
     * primary. Every other round the claim comes from a session started just before it, so neither the
     * session nor its watch set had been written when the claim was made.
     */
    @Test
    void aClaimAnnouncedJustBeforeAKillIsStillInForceAfterTheRestart() throws Exception {
        Path data = Path.of("target", "faults-crash-claim").toAbsolutePath();
        deleteTree(data);
        Map<String, String> tokens = provision(data);
        child = new ChildAppliance(data, ChildAppliance.freePort(), "crash-claim.log", List.of());
        child.start();
        Peer op = new Peer("crash-op1", tokens.get("crash-op1"), true);
        List<String> sites = List.of("crash-s1", "crash-s2");
        int rounds = Figures.scale(6, 40);
        long kept = 0;
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 0) {
                op.resumeToken = null;
            }
            connect(op);
            String site = sites.get(round % sites.size());
            op.client.send("watch", "sites", sites);
            op.client.send("claim", "site", site);
            String primary = op.sessionId;
            op.client.next(m -> isControl(m, site, primary));
            child.kill();
            child.start();

            connect(op);
            assertThat(op.sessionId).as("round %d: resumed the claiming session", round).isEqualTo(primary);
            JsonNode control = op.client.next(m -> isControl(m, site, null));
            assertThat(control.path("primary").asText(null)).as("round %d: primary of %s after the restart", round, site)
                    .isEqualTo(primary);
            kept++;
        }
        Figures.of("phase7-crash-claim").put("claimsKilledAtOnce", rounds).put("kept", kept).report();
    }

    /** A {@code control} message for this site; for this primary too unless it is null. */
    private static boolean isControl(JsonNode m, String site, String primary) {
        return "control".equals(m.path("type").asText()) && site.equals(m.path("site").asText())
                && (primary == null || primary.equals(m.path("primary").asText(null)));
    }

    /** Kinds of kill, shuffled: half under load, a quarter in start-up, a quarter in the graceful stop. */
    private List<Kill> plan(int kills) {
        List<Kill> plan = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            plan.add(i % 4 == 1 ? Kill.DURING_START : i % 4 == 3 ? Kill.DURING_STOP : Kill.UNDER_LOAD);
        }
        Collections.shuffle(plan, random);
        return plan;
    }

    /** Everything checked after a restart; returns with uploads allowed again and every peer connected. */
    private void verify(StoreCheck check, List<ChunkUploader> uploaders, List<Peer> sites, List<Peer> operators)
            throws Exception {
        try {
            List<Map<Integer, String>> acked = uploaders.stream().map(ChunkUploader::acked).toList();
            StoreCheck.Result result = check.run();
            List<String> lost = new ArrayList<>();
            for (int i = 0; i < uploaders.size(); i++) {
                String recording = uploaders.get(i).recordingId();
                acked.get(i).forEach((seq, sha) -> {
                    StoreCheck.Row row = result.chunk(recording, seq);
                    if (row == null || !row.sha256().equals(sha)) {
                        lost.add(recording + "/" + seq);
                    }
                });
            }
            figures.add("lost", lost.size()).add("disagreements", result.problems().size())
                    .add("integrityFailures", "ok".equals(result.integrity()) ? 0 : 1);
            assertThat(result.integrity()).isEqualTo("ok");
            assertThat(result.problems()).as("index and files after the startup reconcile").isEmpty();
            assertThat(lost).as("acknowledged chunks missing or changed").isEmpty();
            figures.add("restartsChecked", 1).put("maxWalBytesAtRestart",
                    Math.max(figures.get("maxWalBytesAtRestart"), result.walBytes()));
        } finally {
            uploads.writeLock().unlock();
        }
        for (Peer peer : sites) {
            connect(peer);
        }
        for (Peer op : operators) {
            connect(op);
            op.client.send("watch", "sites", sites.stream().map(s -> s.id).toList());
            op.client.sync();
        }
        checkControl(sites);
    }

    private void connect(Peer peer) throws Exception {
        if (peer.client != null) {
            offersReceived.addAndGet(peer.client.drain().stream()
                    .filter(m -> "offer".equals(m.path("type").asText())).count());
            peer.client.close();
        }
        peer.client = WsClient.connect(ws, child.signal());
        JsonNode welcome = peer.client.hello(peer.token, peer.resumeToken);
        assertThat(welcome.path("type").asText()).as("%s: %s", peer.id, welcome).isEqualTo("welcome");
        if (peer.sessionId != null) {
            figures.add(peer.sessionId.equals(peer.client.sessionId) ? "resumed" : "freshSessions", 1);
        }
        peer.sessionId = peer.client.sessionId;
        peer.resumeToken = peer.client.resumeToken;
        hellos.incrementAndGet();
    }

    /**
     * The server's control table against itself and against what each site was told: at most one primary per
     * site, an operator session that exists and holds only that site, and the site knows it.
     */
    private void checkControl(List<Peer> sites) throws Exception {
        try (AdminSocket admin = new AdminSocket(child.adminSocket())) {
            Map<String, String> told = new HashMap<>();
            for (int attempt = 0; ; attempt++) {
                JsonNode before = admin.get("/v1/control");
                for (Peer site : sites) {
                    for (JsonNode m : site.client.sync()) {
                        if ("control".equals(m.path("type").asText())) {
                            told.put(site.id, m.path("primary").isNull() ? null : m.path("primary").asText());
                        }
                    }
                }
                JsonNode sessions = admin.get("/v1/sessions");
                JsonNode after = admin.get("/v1/control");
                if (!before.equals(after) && attempt < 5) {
                    continue; // a resume window ran out meanwhile
                }
                Map<String, Integer> primaries = new HashMap<>();
                Map<String, String> primaryOf = new HashMap<>();
                for (JsonNode c : after) {
                    primaries.merge(c.get("site").asText(), 1, Integer::sum);
                    primaryOf.put(c.get("site").asText(), c.get("primary").asText());
                }
                figures.add("doubledControl", primaries.values().stream().filter(n -> n > 1).count());
                assertThat(primaries.values()).as("primaries per site").allMatch(n -> n == 1);
                Map<String, Integer> held = new HashMap<>();
                for (JsonNode s : sessions) {
                    if (!s.path("primaryOf").isNull() && !s.path("primaryOf").isMissingNode()) {
                        assertThat(s.get("role").asText()).isEqualTo("operator");
                        held.merge(s.get("primaryOf").asText(), 1, Integer::sum);
                        assertThat(primaryOf.get(s.get("primaryOf").asText())).isEqualTo(s.get("sessionId").asText());
                    }
                }
                assertThat(held.values()).as("sessions holding one site").allMatch(n -> n == 1);
                assertThat(held.keySet()).isEqualTo(primaryOf.keySet());
                for (Peer site : sites) {
                    assertThat(told).as("every site is told who controls it after welcome").containsKey(site.id);
                    assertThat(told.get(site.id)).as("control as told to %s", site.id)
                            .isEqualTo(primaryOf.get(site.id));
                }
                figures.add("controlChecks", 1);
                return;
            }
        }
    }

    /** An operator claiming sites and offering to them until its connection dies with the appliance. */
    private void drive(Peer op, List<Peer> sites) {
        try {
            while (running.get()) {
                Peer site = sites.get(random.nextInt(sites.size()));
                op.client.send("claim", "site", site.id);
                claims.incrementAndGet();
                op.client.send("offer", "to", site.sessionId, "sdp", "v=0 crash " + offersSent.incrementAndGet());
                Thread.sleep(30);
            }
        } catch (Exception e) {
            // the appliance was killed
        }
    }

    /** New site sessions, one after another, each ended with 1000: events and journal rows for the writer. */
    private void churn(String token) {
        while (running.get()) {
            try (WsClient c = WsClient.connect(ws, child.signal())) {
                if ("welcome".equals(c.hello(token).path("type").asText())) {
                    hellos.incrementAndGet();
                }
            } catch (Exception | AssertionError e) {
                sleepQuietly(100); // down
            }
        }
    }

    private void upload(ChunkUploader uploader) {
        while (running.get()) {
            int status;
            try {
                if (!uploads.readLock().tryLock(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    continue; // a check is looking at the data directory
                }
                try {
                    status = uploader.uploadOnce();
                } finally {
                    uploads.readLock().unlock();
                }
            } catch (InterruptedException e) {
                return;
            }
            if (status / 100 != 2) {
                sleepQuietly(50);
            }
        }
    }

    /**
     * A fresh data directory killed as soon as its database file appears (the schema migrations run then), and
     * again at random during the next starts; each time the following start must finish the schema.
     */
    private long killDuringMigration(Path data, int times) throws Exception {
        int expected;
        Path probe = data.resolveSibling("probe");
        try (TestAppliance app = TestAppliance.plain(probe)) {
            expected = new StoreCheck(probe).run().userVersion();
        }
        StoreCheck check = new StoreCheck(data);
        long kills = 0;
        int midMigration = 0;
        for (int i = 0; i < times; i++) {
            deleteTree(data);
            try (ChildAppliance fresh = new ChildAppliance(data, ChildAppliance.freePort(), "crash-fresh.log", List.of())) {
                fresh.spawn();
                Path db = check.database();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!Files.exists(db) && System.nanoTime() < deadline && fresh.alive()) {
                    Thread.sleep(1);
                }
                Thread.sleep(random.nextInt(30));
                fresh.kill();
                kills++;
                midMigration += versionAfterCrash(db) < expected ? 1 : 0;
                fresh.start();
                StoreCheck.Result result = check.run();
                assertThat(result.integrity()).isEqualTo("ok");
                assertThat(result.userVersion()).isEqualTo(expected);
                fresh.kill();
                kills++;
            }
        }
        figures.put("kills.during-migration", kills).put("migrationsInterrupted", midMigration)
                .put("schemaVersion", expected);
        return kills;
    }

    /** The schema version a crashed database shows before anything repairs it; -1 if it cannot be read. */
    private static int versionAfterCrash(Path db) {
        if (!Files.exists(db)) {
            return -1;
        }
        try (var c = StoreCheck.readOnly(db); var s = c.createStatement(); var r = s.executeQuery("PRAGMA user_version")) {
            return r.getInt(1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Sites and operators made by an in-process appliance on the data directory the child then serves. */
    private static Map<String, String> provision(Path data) throws Exception {
        Map<String, String> tokens = new HashMap<>();
        try (TestAppliance app = TestAppliance.plain(data)) {
            for (String site : List.of("crash-up", "crash-churn", "crash-s1", "crash-s2", "crash-s3", "crash-s4")) {
                tokens.put(site, Secrets.issued(app.site(site)));
            }
            for (String op : List.of("crash-op1", "crash-op2")) {
                tokens.put(op, Secrets.issued(app.operator(op)));
                Secrets.issued("password-" + op);
            }
        }
        return tokens;
    }

    private Thread background(Runnable task) {
        Thread t = new Thread(task, "crash-load");
        t.setDaemon(true);
        t.start();
        background.add(t);
        return t;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
