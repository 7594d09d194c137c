package io.sitewatch.appliance.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.signal.CoreFixture.Client;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Relays and pings run on the transports' threads without the core's monitor (no global lock on
 * the relay path): they must still arrive in the order sent and never overtake a welcome or the
 * backlog of a session that resumes meanwhile.
 */
class ConcurrentRelayTest {

    private static final int PAIRS = 4;
    private static final int RELAYS = 4_000;
    private static final int RESUMES = 60;

    @Test
    void relaysAndPingsAreAnsweredWithoutTheMonitorAndStateChangesWithIt() {
        CoreFixture f = new CoreFixture();
        Client site = f.client(f.site("w1"));
        Client op = f.client(f.operator("ann"));
        op.send("watch", "sites", List.of("w1"));
        site.link.watchedMonitor = f.core;
        op.link.watchedMonitor = f.core;

        op.send("candidate", "to", site.sessionId, "candidate", Map.of("candidate", "c1"));
        op.send("ping");
        op.send("offer", "to", "nobody", "sdp", "v=0");
        op.send("claim", "site", "w1");

        assertThat(site.link.all("candidate")).hasSize(1);
        assertThat(op.link.all("pong")).hasSize(1);
        assertThat(op.link.last("error").get("code").asText()).isEqualTo("unknown-peer");
        assertThat(site.link.sentHoldingMonitor).containsExactly("control");
        assertThat(op.link.sentHoldingMonitor).containsOnly("control");
    }

    @Test
    void aNewcomerHearsItsRoomBeforeAnyMemberHearsOfIt() {
        CoreFixture f = new CoreFixture();
        Client ann = f.client(f.operator("ann"));
        Client bob = f.client(f.operator("bob"));
        ann.send("join-room", "room", "ops");
        List<Boolean> newcomerKnewTheRoom = new ArrayList<>();
        ann.link.onSend = m -> {
            if ("room-event".equals(m.path("type").asText())) {
                newcomerKnewTheRoom.add(!bob.link.all("room").isEmpty());
            }
        };
        bob.send("join-room", "room", "ops");
        // ann offers to bob as soon as she hears of him, and her offer takes no lock
        assertThat(newcomerKnewTheRoom).containsExactly(true);
    }

    @Test
    void anOperatorHearsTheControlOfASiteBeforeTheSiteHearsOfTheWatch() {
        CoreFixture f = new CoreFixture();
        Client site = f.client(f.site("w1"));
        Client op = f.client(f.operator("ann"));
        List<Boolean> operatorKnewControl = new ArrayList<>();
        site.link.onSend = m -> {
            if ("watcher".equals(m.path("type").asText())) {
                operatorKnewControl.add(!op.link.all("control").isEmpty());
            }
        };
        op.send("watch", "sites", List.of("w1"));
        assertThat(operatorKnewControl).containsExactly(true);
    }

    @Test
    void relaysStayInOrderAndBehindTheWelcomeWhileTheirTargetsResume() throws Exception {
        SignalSettings fast = new SignalSettings(15_000, 10_000, 30_000, 256, 1e9, 1_000_000_000, 64, 6, Map.of());
        CoreFixture f = new CoreFixture(fast);
        List<Client> operators = new ArrayList<>();
        List<String> siteTokens = new ArrayList<>();
        List<Connection> sites = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            siteTokens.add(f.site("s" + i));
            Client operator = f.client(f.operator("op" + i));
            operator.send("watch", "sites", List.of("s" + i));
            operators.add(operator);
        }
        List<List<Connection>> history = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            Connection first = Connection.hello(f.core, siteTokens.get(i), null);
            sites.add(first);
            history.add(new CopyOnWriteArrayList<>(List.of(first)));
        }
        String[] sessionIds = sites.stream().map(c -> c.welcome().get("sessionId").asText()).toArray(String[]::new);

        ExecutorService threads = Executors.newFixedThreadPool(PAIRS + 1);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                Client operator = operators.get(i);
                String to = sessionIds[i];
                work.add(threads.submit(() -> {
                    for (int seq = 0; seq < RELAYS; seq++) {
                        operator.sendRaw("{\"type\":\"candidate\",\"to\":\"" + to + "\",\"candidate\":{\"candidate\":\""
                                + seq + "\"}}");
                    }
                }));
            }
            work.add(threads.submit(() -> {
                for (int round = 0; round < RESUMES; round++) {
                    int i = round % PAIRS;
                    Connection old = sites.get(i);
                    f.core.closed(old, 1006);
                    old.close(1006, "gone");
                    Connection next = Connection.hello(f.core, siteTokens.get(i),
                            old.welcome().get("resumeToken").asText());
                    sites.set(i, next);
                    history.get(i).add(next);
                }
            }));
            for (Future<?> w : work) {
                w.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        long delivered = 0;
        for (int i = 0; i < PAIRS; i++) {
            int last = -1;
            for (Connection c : history.get(i)) {
                assertThat(c.welcome().get("sessionId").asText()).isEqualTo(sessionIds[i]);
                for (JsonNode frame : c.frames()) {
                    if (frame.path("type").asText().equals("candidate")) {
                        int seq = Integer.parseInt(frame.get("candidate").get("candidate").asText());
                        assertThat(seq).as("relays from one sender arrive in order").isGreaterThan(last);
                        assertThat(frame.get("from").asText()).isEqualTo(operators.get(i).sessionId);
                        last = seq;
                        delivered++;
                    }
                }
            }
            assertThat(last).as("the last relay reaches the live connection").isEqualTo(RELAYS - 1);
        }
        assertThat(delivered).isGreaterThan((long) PAIRS * RELAYS / 2);
    }

    /** A thread-safe connection: frames in the order sent; once closed it drops them, as a dead socket does. */
    private static final class Connection implements Link {
        private final ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
        private volatile boolean closed;

        static Connection hello(SignalCore core, String token, String resume) {
            Connection c = new Connection();
            core.open(c);
            core.message(c, "{\"type\":\"hello\",\"token\":\"" + token + "\""
                    + (resume == null ? "" : ",\"resume\":\"" + resume + "\"") + "}");
            return c;
        }

        /** The first frame, which must be the welcome: nothing may overtake it. */
        JsonNode welcome() {
            JsonNode first = frames().get(0);
            assertThat(first.path("type").asText()).as("first frame on a new connection").isEqualTo("welcome");
            return first;
        }

        List<JsonNode> frames() {
            List<JsonNode> frames = new ArrayList<>();
            for (String frame : sent) {
                try {
                    frames.add(CoreFixture.JSON.readTree(frame));
                } catch (Exception e) {
                    throw new AssertionError(frame, e);
                }
            }
            return frames;
        }

        @Override
        public boolean send(String frame) {
            if (!closed) {
                sent.add(frame);
            }
            return true;
        }

        @Override
        public void close(int code, String reason) {
            closed = true;
        }

        @Override
        public void abort() {
            closed = true;
        }

        @Override
        public void ping() {}

        @Override
        public long lastActivity() {
            return 0;
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1:2";
        }
    }
}
