package io.sitewatch.faults.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.faults.net.FaultProxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A site or operator of the socket-chaos phase, behind its own {@link FaultProxy}. It reconnects
 * after every loss, with {@code resume} inside the window (or, when the fault says so, only after
 * the window), numbers what it sends to each peer session, checks what it receives, and keeps its
 * view of control. All state is guarded by the instance's monitor.
 */
final class ChaosClient implements LeanClient.Listener {

    /** A fault injected on this client's connection, and what came of it. */
    static final class Fault {
        final String kind;
        final long start = System.currentTimeMillis();
        final long spanMs;
        final boolean outside;
        long closedAt = -1;
        long recoveredAt = -1;
        String sessionBefore;
        boolean newSession;

        Fault(String kind, long spanMs, boolean outside) {
            this.kind = kind;
            this.spanMs = spanMs;
            this.outside = outside;
        }

        /**
         * Until when messages to or from this client went into a broken connection: until the client
         * closed it, or, for a black hole or a long stall, until the server noticed by itself (three
         * silent heartbeats, or the stall's end). -1 if the connection survived the fault.
         */
        long brokenUntil(long heartbeatMs) {
            if (closedAt < 0) {
                return -1;
            }
            long serverNotices = switch (kind) {
                case "drop" -> start + 3 * heartbeatMs + 500;
                case "long-stall" -> start + spanMs;
                default -> closedAt;
            };
            return Math.max(closedAt, serverNotices) + 200;
        }
    }

    /** What this client sent to one peer session: the send time of each sequence number (1-based). */
    static final class Stream {
        final String receiver;
        final String session;
        final List<Long> sentAt = new ArrayList<>();

        Stream(String receiver, String session) {
            this.receiver = receiver;
            this.session = session;
        }
    }

    final String name;
    final boolean site;
    private final String token;
    final FaultProxy proxy;
    private final URI uri;
    private final WebSocketClient ws;
    private final ScheduledExecutorService timers;
    private final long resumeWindowMs;
    private final List<String> allSites;

    private LeanClient conn;
    String sessionId;
    private String resumeToken;
    private Fault fault;
    final List<Fault> faults = new ArrayList<>();
    /** Every session this client had, with when each welcome for it arrived. */
    final Map<String, List<Long>> welcomes = new LinkedHashMap<>();
    /** Peer name to its current session id: the sites an operator sees, or the operators watching a site. */
    final Map<String, String> peers = new HashMap<>();
    final Map<String, Stream> out = new HashMap<>();
    /** Received sequence numbers per (sender name, own session id). */
    final Map<String, BitSet> in = new HashMap<>();
    private final Map<String, Integer> last = new HashMap<>();
    /** Site id to the primary's session id, as this client last heard. */
    final Map<String, String> control = new HashMap<>();
    final List<String[]> offlines = new ArrayList<>();
    /** Every control message heard, per site: the primary's session id, "" for none. */
    final Map<String, List<String>> controlSeen = new HashMap<>();
    final Map<String, Integer> errors = new HashMap<>();
    long duplicates;
    long outOfOrder;
    long received;
    long unexpectedCloses;
    long resumeRefusedInside;
    long resumedAfterWindow;
    long resumedInside;

    ChaosClient(String name, boolean site, String token, FaultProxy proxy, WebSocketClient ws,
                ScheduledExecutorService timers, long resumeWindowMs, List<String> allSites) {
        this.name = name;
        this.site = site;
        this.token = token;
        this.proxy = proxy;
        this.uri = URI.create("ws://127.0.0.1:" + proxy.port() + "/signal");
        this.ws = ws;
        this.timers = timers;
        this.resumeWindowMs = resumeWindowMs;
        this.allSites = allSites;
    }

    /** Connects (resuming when it has a session) and says what else a new session needs; retries on failure. */
    void connect() {
        try {
            LeanClient c = LeanClient.connect(ws, uri, name, this);
            String resume;
            synchronized (this) {
                resume = resumeToken;
            }
            c.hello(token, resume);
        } catch (Exception e) {
            timers.schedule(this::connect, 200, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void welcomed(LeanClient c, JsonNode welcome) {
        String id = welcome.get("sessionId").asText();
        boolean resumed = id.equals(sessionId);
        Fault f = fault;
        if (f != null) {
            f.recoveredAt = System.currentTimeMillis();
            f.newSession = !resumed;
            if (resumed && f.outside) {
                resumedAfterWindow++;
            } else if (!resumed && !f.outside) {
                resumeRefusedInside++;
            } else if (resumed) {
                resumedInside++;
            }
            fault = null;
        }
        conn = c;
        sessionId = id;
        resumeToken = welcome.get("resumeToken").asText();
        welcomes.computeIfAbsent(id, k -> new ArrayList<>()).add(System.currentTimeMillis());
        if (!resumed) {
            peers.clear();
            control.clear();
        }
        for (JsonNode p : welcome.path("peers")) {
            if (site || "site".equals(p.path("role").asText())) {
                peers.put(p.path("id").asText(), p.path("sessionId").asText());
            }
        }
        if (!resumed && !site) {
            c.send("{\"type\":\"watch\",\"sites\":" + LeanClient.JSON.valueToTree(allSites) + "}");
        }
    }

    @Override
    public synchronized void message(LeanClient c, JsonNode m, long now) {
        if (c != conn) {
            return; // a late frame of a connection already replaced
        }
        switch (m.path("type").asText()) {
            case "candidate" -> relayed(m);
            case "presence" -> presence(m);
            case "watcher" -> {
                JsonNode peer = m.path("peer");
                if ("joined".equals(m.path("event").asText())) {
                    peers.put(peer.path("id").asText(), peer.path("sessionId").asText());
                } else {
                    peers.remove(peer.path("id").asText(), peer.path("sessionId").asText());
                }
            }
            case "control" -> {
                String primary = m.path("primary").isNull() ? null : m.path("primary").asText();
                control.put(m.path("site").asText(), primary);
                controlSeen.computeIfAbsent(m.path("site").asText(), k -> new ArrayList<>())
                        .add(primary == null ? "" : primary);
            }
            case "error" -> errors.merge(m.path("code").asText(), 1, Integer::sum);
            default -> { }
        }
    }

    private void presence(JsonNode m) {
        JsonNode peer = m.path("peer");
        String event = m.path("event").asText();
        if ("offline".equals(event)) {
            offlines.add(new String[] {peer.path("sessionId").asText(), String.valueOf(System.currentTimeMillis())});
        }
        if (!"site".equals(peer.path("role").asText())) {
            return;
        }
        if ("online".equals(event)) {
            peers.put(peer.path("id").asText(), peer.path("sessionId").asText());
        } else if ("offline".equals(event)) {
            peers.remove(peer.path("id").asText(), peer.path("sessionId").asText());
        }
    }

    private void relayed(JsonNode m) {
        String key = m.path("src").asText() + "|" + m.path("dst").asText();
        int seq = m.path("seq").asInt();
        BitSet seen = in.computeIfAbsent(key, k -> new BitSet());
        if (seen.get(seq)) {
            duplicates++;
            return;
        }
        if (seq < last.getOrDefault(key, 0)) {
            outOfOrder++;
        }
        seen.set(seq);
        last.put(key, seq);
        received++;
    }

    /** One numbered candidate to every peer session known, if connected. */
    synchronized void sendRound() {
        LeanClient c = conn; // a send may report the connection closed (and clear conn) on this very thread
        if (c == null) {
            return;
        }
        for (Map.Entry<String, String> peer : List.copyOf(peers.entrySet())) {
            if (conn != c) {
                return; // closed by the previous send: a real client would stop here too
            }
            Stream stream = out.computeIfAbsent(peer.getValue(), s -> new Stream(peer.getKey(), s));
            stream.sentAt.add(System.currentTimeMillis());
            c.send("{\"type\":\"candidate\",\"to\":\"" + stream.session + "\",\"candidate\":" + PairTraffic.CANDIDATE
                    + ",\"src\":\"" + name + "\",\"dst\":\"" + stream.session + "\",\"seq\":" + stream.sentAt.size() + "}");
        }
    }

    synchronized void claim(String siteId) {
        LeanClient c = conn;
        if (c != null && !site) {
            c.send("{\"type\":\"claim\",\"site\":\"" + siteId + "\"}");
        }
    }

    synchronized boolean ready() {
        return conn != null && fault == null;
    }

    /** Starts a fault on the live connection; the client notices on its own, like a real one. */
    synchronized Fault inject(String kind, long spanMs, boolean outside) {
        List<FaultProxy.Conn> live = proxy.live();
        if (conn == null || fault != null || live.isEmpty()) {
            return null;
        }
        Fault f = new Fault(kind, spanMs, outside);
        f.sessionBefore = sessionId;
        fault = f;
        faults.add(f);
        FaultProxy.Conn pc = live.get(live.size() - 1);
        switch (kind) {
            case "reset" -> pc.reset();
            case "drop" -> pc.drop();
            case "stall", "long-stall" -> pc.stall(spanMs);
            case "delay" -> {
                pc.delay(spanMs);
                timers.schedule(() -> pc.delay(0), 2, TimeUnit.SECONDS);
            }
            default -> throw new IllegalArgumentException(kind);
        }
        if (kind.equals("stall") || kind.equals("delay")) {
            // the connection is meant to survive these; the fault is over when its span is
            timers.schedule(() -> survived(f), spanMs + (kind.equals("delay") ? 2_000 : 0), TimeUnit.MILLISECONDS);
        }
        return f;
    }

    private synchronized void survived(Fault f) {
        if (fault == f && conn != null) {
            fault = null;
        }
    }

    @Override
    public void closed(LeanClient c, int code) {
        long delay;
        synchronized (this) {
            if (c != conn) {
                return;
            }
            conn = null;
            if (fault == null) {
                unexpectedCloses++;
                fault = new Fault("closed-" + code, 0, false);
                fault.sessionBefore = sessionId;
                faults.add(fault);
            }
            fault.closedAt = System.currentTimeMillis();
            delay = fault.outside ? resumeWindowMs + 3_500 : ThreadLocalRandom.current().nextLong(50, 700);
        }
        timers.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }
}
