package io.sitewatch.appliance.signal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sitewatch.appliance.signal.SignalViews.ControlView;
import io.sitewatch.appliance.signal.SignalViews.LinkView;
import io.sitewatch.appliance.signal.SignalViews.RoomView;
import io.sitewatch.appliance.signal.SignalViews.SessionView;
import io.sitewatch.appliance.signal.msg.CloseCode;
import io.sitewatch.appliance.signal.msg.Codec;
import io.sitewatch.appliance.signal.msg.Codec.Decoded;
import io.sitewatch.appliance.signal.msg.ErrorCode;
import io.sitewatch.appliance.signal.msg.Inbound;
import io.sitewatch.appliance.signal.msg.Outbound;
import io.sitewatch.appliance.signal.msg.Outbound.PeerEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signaling server of protocol.md, without a transport: the transport reports connections
 * ({@link #open}), frames ({@link #message}) and closes ({@link #closed}); a timer calls
 * {@link #tick}. State changes happen under this object's monitor; sends go to the links'
 * bounded outboxes and never block. The frequent messages (relays, pings) take no lock at all:
 * they read the concurrent session maps and the sessions' published fields, so relays on
 * different connections run in parallel and never wait behind a hello, a claim or a close.
 */
public final class SignalCore {

    /** Optional capabilities announced in {@code welcome} (protocol.md, Clarifications). */
    public static final List<String> FEATURES = List.of("resume", "rooms", "status", "presence", "tiers", "standby");

    private static final Set<String> LINK_STATES =
            Set.of("new", "connecting", "connected", "disconnected", "failed", "closed");
    private static final List<String> STAT_FIELDS = List.of("rttMs", "kbpsOut", "kbpsIn", "fps", "route");
    private static final int MAX_ROOM_NAME = 64;

    @FunctionalInterface
    private interface Handler<T extends Inbound> {
        void handle(Session session, T message, Decoded.Ok decoded);
    }

    /** A message type's handler, and whether it changes state (then it runs under the monitor). */
    private record Route(Handler<Inbound> handler, boolean locked) {}

    private final SignalSettings settings;
    private final Credentials credentials;
    private final SiteDirectory sites;
    private final SessionJournal journal;
    private final ClientSettings clientSettings;
    private final SignalObserver observer;
    private final Clock clock;
    private final Codec codec = new Codec();
    private final SecureRandom random = new SecureRandom();

    private final Map<Class<? extends Inbound>, Route> handlers = new HashMap<>();
    /**
     * Connections that have not said {@code hello} yet, with the time they opened. Concurrent, so
     * that a new connection is noted without the monitor: while hundreds open at once, their
     * threads would otherwise queue on it behind the hellos.
     */
    private final Map<Link, Long> pending = new ConcurrentHashMap<>();
    /** Concurrent, as {@link #sessions}: the lock-free message path looks sessions up in both. */
    private final Map<Link, Session> byLink = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Session> byResumeHash = new HashMap<>();
    private final Map<String, Session> siteSessions = new HashMap<>();
    private final Set<Session> operators = new LinkedHashSet<>();
    /** Operator sessions watching each site id, online or not. */
    private final Map<String, Set<Session>> watchers = new HashMap<>();
    private final ControlTable control = new ControlTable();
    private final Rooms rooms = new Rooms();
    /** Capacities of rooms that have their own (config, or defined by the admin). */
    private final Map<String, Integer> capacities = new HashMap<>();

    public SignalCore(SignalSettings settings, Credentials credentials, SiteDirectory sites, SessionJournal journal,
                      ClientSettings clientSettings, SignalObserver observer, Clock clock) {
        this.settings = settings;
        this.credentials = credentials;
        this.sites = sites;
        this.journal = journal;
        this.clientSettings = clientSettings;
        this.observer = observer;
        this.clock = clock;
        capacities.putAll(settings.roomCapacities());
        onAnyThread(Inbound.Hello.class, this::helloAgain);
        onAnyThread(Inbound.Ping.class, this::ping);
        onAnyThread(Inbound.Offer.class, this::relay);
        onAnyThread(Inbound.Answer.class, this::relay);
        onAnyThread(Inbound.Candidate.class, this::relay);
        onAnyThread(Inbound.Bye.class, this::relay);
        on(Inbound.Watch.class, this::watch);
        on(Inbound.Unwatch.class, this::unwatch);
        on(Inbound.Claim.class, this::claim);
        on(Inbound.Release.class, this::release);
        on(Inbound.JoinRoom.class, this::joinRoom);
        on(Inbound.LeaveRoom.class, this::leaveRoom);
        on(Inbound.Status.class, this::status);
    }

    /** A handler that changes state: it runs under the monitor. */
    private <T extends Inbound> void on(Class<T> type, Handler<T> handler) {
        route(type, handler, true);
    }

    /** A handler that only reads published state and sends: it runs on the transport's thread, without a lock. */
    private <T extends Inbound> void onAnyThread(Class<T> type, Handler<T> handler) {
        route(type, handler, false);
    }

    private <T extends Inbound> void route(Class<T> type, Handler<T> handler, boolean locked) {
        if (handlers.put(type, new Route((s, m, ok) -> handler.handle(s, type.cast(m), ok), locked)) != null) {
            throw new IllegalStateException("two handlers for " + type.getSimpleName());
        }
    }

    /** Message types with a handler; a test checks it against protocol.md. */
    public Set<Class<? extends Inbound>> handledTypes() {
        return Set.copyOf(handlers.keySet());
    }

    // ---- transport entry points ----

    public void open(Link link) {
        pending.put(link, clock.millis());
    }

    /**
     * Rate limit first, parse after: a flood's dropped frames cost a lookup and never a JSON parse,
     * and frames from a link that was refused or replaced are not parsed at all (protocol.md, Rate limit).
     * Parsing, the credential check of a hello (it reads the database) and whole relays happen outside
     * the monitor; only messages that change state take it.
     */
    public void message(Link link, String frame) {
        Session session = byLink.get(link);
        if (session == null) {
            if (pending.containsKey(link)) {
                beforeWelcome(link, codec.decode(frame));
            }
            return;
        }
        if (!admit(session, link)) {
            return;
        }
        Decoded decoded = codec.decode(frame);
        if (decoded instanceof Decoded.Ok ok && !handlers.get(ok.message().getClass()).locked()) {
            dispatch(session, decoded);
            return;
        }
        synchronized (this) {
            if (session.link == link) {
                dispatch(session, decoded);
            }
        }
    }

    /** The connection is gone. A close with 1000 ends the session; any other loss opens the resume window. */
    public synchronized void closed(Link link, int code) {
        if (pending.remove(link) != null) {
            return;
        }
        Session session = byLink.get(link);
        if (session == null) {
            return; // a replaced or resumed socket closing late never touches the session that took its place
        }
        if (code == CloseCode.NORMAL.code()) {
            end(session, "closed by client", null);
        } else {
            detach(session, "connection lost (" + code + ")");
        }
    }

    /** Timers: hello timeout, heartbeat pings and silence, resume window expiry. */
    public synchronized void tick() {
        long now = clock.millis();
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (now - entry.getValue() >= settings.helloTimeoutMs()) {
                it.remove();
                refuse(entry.getKey(), "no hello within " + settings.helloTimeoutMs() + " ms");
            }
        }
        for (Session session : List.copyOf(sessions.values())) {
            if (session.link == null) {
                if (now >= session.resumeDeadline) {
                    end(session, "resume window expired", null);
                }
            } else if (now - session.link.lastActivity() >= 3 * settings.heartbeatMs()) {
                Link silent = session.link;
                detach(session, "silent for " + (now - silent.lastActivity()) + " ms");
                silent.abort();
            } else if (now - session.lastPing >= settings.heartbeatMs()) {
                session.lastPing = now;
                session.link.ping();
            }
        }
    }

    /** Brings back the sessions, watch sets, rooms and control saved before a restart; each may resume. */
    public synchronized void restore() {
        SessionJournal.Snapshot snapshot = journal.load();
        long now = clock.millis();
        for (SessionJournal.SessionRecord saved : snapshot.sessions()) {
            Session session = new Session(saved.sessionId(), saved.identity(), saved.resumeHash(), now,
                    new RateLimiter(settings.ratePerSecond(), settings.rateBurst(), now));
            session.resumeDeadline = now + settings.resumeWindowMs();
            index(session);
            saved.watching().forEach(site -> {
                session.watching.add(site);
                watchers.computeIfAbsent(site, s -> new LinkedHashSet<>()).add(session);
            });
            saved.rooms().forEach(name -> {
                Rooms.Key room = rooms.keyFor(session, name);
                session.joined(name, room);
                rooms.add(room, session);
            });
        }
        snapshot.control().forEach((site, primary) -> {
            Session operator = sessions.get(primary);
            if (operator != null && operator.watching.contains(site)) {
                control.claim(site, operator);
            } else {
                journal.control(site, null);
            }
        });
        observer.event(new SignalObserver.Event("restore", null, null, snapshot.sessions().size() + " sessions"));
    }

    /** Closes every connection with 1001; sessions stay saved so clients resume after the restart. */
    public synchronized void shutdown() {
        for (Link link : List.copyOf(pending.keySet())) {
            link.close(CloseCode.SHUTDOWN.code(), "server shutting down");
        }
        pending.clear();
        for (Session session : sessions.values()) {
            if (session.link != null) {
                Link link = session.link;
                byLink.remove(link);
                session.link = null;
                link.close(CloseCode.SHUTDOWN.code(), "server shutting down");
            }
        }
    }

    // ---- admin operations ----

    /** Ends a session at once (admin {@code kick}). */
    public synchronized boolean kick(String sessionId) {
        Session session = sessions.get(sessionId);
        if (session == null) {
            return false;
        }
        end(session, "kicked by admin", CloseCode.UNAUTHORIZED);
        return true;
    }

    /** Admin override: the site has no primary any more. */
    public synchronized boolean release(String siteId) {
        if (control.primaryOf(siteId) == null) {
            return false;
        }
        releaseSite(siteId, "released by admin");
        return true;
    }

    /** Ends every session authenticated by this credential (rotated or revoked token). */
    public synchronized void credentialRevoked(String credentialId) {
        for (Session session : List.copyOf(sessions.values())) {
            if (session.identity.credentialId().equals(credentialId)) {
                end(session, "credential revoked", CloseCode.UNAUTHORIZED);
            }
        }
    }

    /** Ends the session of a site that was disabled or removed. */
    public synchronized void siteRevoked(String siteId) {
        Session session = siteSessions.get(siteId);
        if (session != null) {
            end(session, "site disabled", CloseCode.UNAUTHORIZED);
        }
    }

    /** Ends every session of an operator that was removed. */
    public synchronized void operatorRevoked(String name) {
        for (Session session : List.copyOf(operators)) {
            if (session.identity.id().equals(name)) {
                end(session, "operator removed", CloseCode.UNAUTHORIZED);
            }
        }
    }

    /**
     * An operator's groups changed: from now on its sessions see, watch and talk only within the
     * new groups. Sites it can no longer see go offline for it; sites it now may see come online.
     */
    public synchronized void operatorChanged(String name, Set<String> groups) {
        for (Session session : List.copyOf(operators)) {
            if (!session.identity.id().equals(name)) {
                continue;
            }
            Identity before = session.identity;
            leaveAllRooms(session);
            session.identity = Identity.operator(name, before.credentialId(), groups);
            for (String site : List.copyOf(session.watching)) {
                if (!watchable(session, site)) {
                    stopWatching(session, site);
                }
            }
            for (Session site : siteSessions.values()) {
                boolean was = before.mayAccess(site.identity.group());
                boolean is = session.identity.mayAccess(site.identity.group());
                if (was != is) {
                    tell(session, is ? "online" : "offline", site.entry());
                }
            }
            journal.save(session.record());
        }
    }

    /**
     * A site was renamed or moved to another group. Operators that may no longer see it stop
     * watching it and see it go offline; operators that now may see it see it come online.
     */
    public synchronized void siteChanged(String siteId, String name, String group) {
        for (Session operator : List.copyOf(watchers.getOrDefault(siteId, Set.of()))) {
            if (!operator.identity.mayAccess(group)) {
                stopWatching(operator, siteId);
                journal.save(operator.record());
            }
        }
        Session site = siteSessions.get(siteId);
        if (site == null) {
            return;
        }
        Identity before = site.identity;
        PeerEntry old = site.entry();
        site.identity = Identity.site(siteId, name, before.credentialId(), group);
        for (Session operator : operators) {
            boolean was = operator.identity.mayAccess(before.group());
            boolean is = operator.identity.mayAccess(group);
            if (was || is) {
                tell(operator, !is ? "offline" : was ? "update" : "online", is ? site.entry() : old);
            }
        }
        journal.save(site.record());
    }

    public synchronized List<SessionView> sessions() {
        List<SessionView> views = new ArrayList<>();
        for (Session s : sessions.values()) {
            views.add(new SessionView(s.id, s.identity.role().wire(), s.identity.id(), s.identity.name(), s.remote,
                    s.since, s.connected(), List.copyOf(s.watching), List.copyOf(s.rooms().keySet()), control.siteOf(s),
                    s.lastStatus));
        }
        views.sort((a, b) -> Long.compare(a.since(), b.since()));
        return views;
    }

    public synchronized List<LinkView> links() {
        List<LinkView> views = new ArrayList<>();
        for (Session s : sessions.values()) {
            for (Session.LinkStatus l : s.links.values()) {
                Session peer = sessions.get(l.peer());
                views.add(new LinkView(s.id, s.identity.id(), l.peer(), peer == null ? null : peer.identity.id(),
                        l.state(), l.stats(), l.at()));
            }
        }
        return views;
    }

    public synchronized List<ControlView> controls() {
        List<ControlView> views = new ArrayList<>();
        control.all().forEach((site, s) -> views.add(new ControlView(site, s.id, s.identity.id())));
        views.sort((a, b) -> a.site().compareTo(b.site()));
        return views;
    }

    /**
     * Defines a room's own capacity and whether it is shared by every group (admin-defined rooms);
     * a null capacity falls back to the default. Members already in the room stay where they are.
     */
    public synchronized void defineRoom(String room, Integer capacity, boolean shared) {
        if (capacity == null) {
            capacities.remove(room);
        } else {
            capacities.put(room, capacity);
        }
        rooms.share(room, shared);
    }

    public synchronized int capacityOf(String room) {
        return capacities.getOrDefault(room, settings.roomCapacity());
    }

    public synchronized List<RoomView> rooms() {
        List<RoomView> views = new ArrayList<>();
        rooms.all().forEach((room, members) ->
                views.add(new RoomView(room.name(), room.scope(), capacityOf(room.name()),
                        members.stream().map(s -> s.id).toList(), members.stream().map(s -> s.identity.name()).toList())));
        return views;
    }

    /** Ids of the sites with a session (connected or within its resume window). */
    public synchronized Set<String> onlineSites() {
        return Set.copyOf(siteSessions.keySet());
    }

    public synchronized Map<String, Integer> sessionCounts() {
        int siteCount = siteSessions.size();
        return Map.of("site", siteCount, "operator", sessions.size() - siteCount);
    }

    // ---- hello and session lifecycle ----

    /** The first frame of a connection: a hello, whose credential is checked before taking the monitor. */
    private void beforeWelcome(Link link, Decoded decoded) {
        Inbound.Hello hello = decoded instanceof Decoded.Ok ok && ok.message() instanceof Inbound.Hello h ? h : null;
        Optional<Identity> identity = hello == null ? null : credentials.authenticate(hello.token());
        synchronized (this) {
            if (pending.remove(link) == null) {
                return; // a link that was already refused or replaced
            }
            if (hello != null) {
                hello(link, hello, identity);
            } else {
                refuse(link, "the first message must be hello");
            }
        }
    }

    private void refuse(Link link, String reason) {
        link.send(codec.encode(new Outbound.Error(ErrorCode.UNAUTHORIZED.wire(), reason, null)));
        link.close(CloseCode.UNAUTHORIZED.code(), "unauthorized");
        observer.rejected("hello", ErrorCode.UNAUTHORIZED);
        observer.event(new SignalObserver.Event("auth-failed", null, null, link.remoteAddress() + ": " + reason));
    }

    private void hello(Link link, Inbound.Hello hello, Optional<Identity> identity) {
        if (identity.isEmpty()) {
            refuse(link, "invalid, expired or revoked credential");
            return;
        }
        Session resumed = hello.resume() == null ? null : byResumeHash.get(hash(hello.resume()));
        if (resumed != null && resumed.identity.credentialId().equals(identity.get().credentialId())) {
            resume(resumed, link, identity.get());
        } else {
            start(link, identity.get());
        }
    }

    private void start(Link link, Identity identity) {
        long now = clock.millis();
        if (identity.isSite()) {
            Session previous = siteSessions.get(identity.id());
            if (previous != null) {
                end(previous, "replaced by a new connection", CloseCode.REPLACED);
            }
        }
        String resumeToken = token(32);
        Session session = new Session(token(16), identity, hash(resumeToken), now,
                new RateLimiter(settings.ratePerSecond(), settings.rateBurst(), now));
        index(session);
        connect(session, link, resumeToken);
        announce(session, "online");
        if (session.isSite()) {
            send(session, controlOf(identity.id()));
        }
        journal.save(session.record());
        observer.event(new SignalObserver.Event("session-open", session.id, null,
                session + " from " + session.remote, session.facts()));
    }

    private void resume(Session session, Link link, Identity identity) {
        if (session.link != null) {
            Link old = session.link;
            byLink.remove(old);
            session.link = null;
            old.close(CloseCode.REPLACED.code(), "resumed on another connection");
        }
        byResumeHash.remove(session.resumeHash);
        String resumeToken = token(32);
        session.resumeHash = hash(resumeToken);
        session.identity = identity;
        byResumeHash.put(session.resumeHash, session);
        connect(session, link, resumeToken);
        // A control change may have been in the connection that broke, and the backlog holds older ones:
        // the current holder of each site comes last, so nothing stale outlives the resume
        // (docs/protocol.md, Additions).
        if (session.isSite()) {
            send(session, controlOf(identity.id()));
        } else {
            session.watching.forEach(site -> send(session, controlOf(site)));
        }
        journal.save(session.record());
        observer.event(new SignalObserver.Event("session-resume", session.id, null,
                session + " from " + session.remote, session.facts()));
    }

    private void index(Session session) {
        sessions.put(session.id, session);
        byResumeHash.put(session.resumeHash, session);
        if (session.isSite()) {
            siteSessions.put(session.identity.id(), session);
        } else {
            operators.add(session);
        }
    }

    /**
     * Gives a session its new connection: the welcome and the backlog go out first, and only then is
     * the link published to the lock-free relay path. Until then a relay finds the session between
     * connections and waits for the monitor, so nothing overtakes the welcome or what waited.
     */
    private void connect(Session session, Link link, String resumeToken) {
        session.remote = link.remoteAddress();
        session.lastPing = clock.millis();
        byLink.put(link, session);
        Identity identity = session.identity;
        boolean fits = link.send(codec.encode(new Outbound.Welcome(session.id, resumeToken, identity.role().wire(),
                identity.id(), clientSettings.iceServers(identity), settings.heartbeatMs(), peersOf(session), FEATURES,
                clientSettings.tiers(identity), clientSettings.standby())));
        while (fits && !session.backlog.isEmpty()) {
            fits = link.send(session.backlog.poll());
        }
        session.link = link;
        if (!fits) {
            dropSlow(session);
        }
    }

    /** What a session may see (protocol.md, Session): watchers for a site; visible sites and operators for an operator. */
    private List<PeerEntry> peersOf(Session session) {
        List<PeerEntry> peers = new ArrayList<>();
        if (session.isSite()) {
            for (Session operator : watchers.getOrDefault(session.identity.id(), Set.of())) {
                peers.add(operator.entry());
            }
            return peers;
        }
        for (Session site : siteSessions.values()) {
            if (session.identity.mayAccess(site.identity.group())) {
                peers.add(site.entry());
            }
        }
        for (Session operator : operators) {
            if (operator != session) {
                peers.add(operator.entry());
            }
        }
        return peers;
    }

    private void detach(Session session, String reason) {
        byLink.remove(session.link);
        session.link = null;
        session.resumeDeadline = clock.millis() + settings.resumeWindowMs();
        observer.event(new SignalObserver.Event("session-detached", session.id, null, session + ": " + reason,
                session.facts()));
    }

    /** Ends a session for good: its peers see it leave, its control and rooms are released. */
    private void end(Session session, String reason, CloseCode close) {
        if (sessions.remove(session.id) == null) {
            return;
        }
        byResumeHash.remove(session.resumeHash);
        if (session.link != null) {
            Link link = session.link;
            byLink.remove(link);
            session.link = null;
            if (close != null) {
                if (close == CloseCode.UNAUTHORIZED) {
                    link.send(codec.encode(new Outbound.Error(ErrorCode.UNAUTHORIZED.wire(), reason, null)));
                }
                link.close(close.code(), reason);
            }
        }
        if (session.isSite()) {
            siteSessions.remove(session.identity.id(), session);
        } else {
            operators.remove(session);
            String held = control.siteOf(session);
            if (held != null) {
                releaseSite(held, "primary left");
            }
            for (String site : List.copyOf(session.watching)) {
                stopWatching(session, site);
            }
            leaveAllRooms(session);
        }
        for (Session reporter : session.reportedBy) {
            reporter.links.remove(session.id);
        }
        for (String peer : session.links.keySet()) {
            Session reported = sessions.get(peer);
            if (reported != null) {
                reported.reportedBy.remove(session);
            }
        }
        announce(session, "offline");
        journal.delete(session.id);
        observer.event(new SignalObserver.Event("session-end", session.id, null, session + ": " + reason,
                session.facts()));
    }

    // ---- message handling ----

    private boolean admit(Session session, Link link) {
        RateLimiter.Verdict verdict = session.limiter.acquire(clock.millis());
        if (verdict == RateLimiter.Verdict.PASS) {
            return true;
        }
        if (verdict == RateLimiter.Verdict.CLOSE) {
            observer.rejected("*", ErrorCode.RATE_LIMITED);
            synchronized (this) {
                if (session.link == link) {
                    end(session, "rate limit exceeded repeatedly", CloseCode.RATE_LIMITED);
                }
            }
        } else {
            error(session, ErrorCode.RATE_LIMITED, null, "too many messages; this one was dropped", "*");
        }
        return false;
    }

    private void dispatch(Session session, Decoded decoded) {
        if (decoded instanceof Decoded.Ok ok) {
            handlers.get(ok.message().getClass()).handler().handle(session, ok.message(), ok);
        } else if (decoded instanceof Decoded.Bad bad) {
            error(session, bad.code(), bad.ref(), bad.reason(), bad.ref() == null ? "?" : bad.ref());
        }
    }

    private void helloAgain(Session session, Inbound.Hello hello, Decoded.Ok ok) {
        error(session, ErrorCode.BAD_MESSAGE, "hello", "already welcomed", "hello");
    }

    private void ping(Session session, Inbound.Ping ping, Decoded.Ok ok) {
        send(session, new Outbound.Pong());
    }

    /**
     * Offer, answer, candidate and bye (protocol.md, Addressing and relay): once the sender may reach
     * the target, the frame as received is sent with {@code from} stamped. Runs without the monitor.
     */
    private void relay(Session session, Inbound.Relayed message, Decoded.Ok ok) {
        String type = ok.raw().get("type").textValue();
        Session target = reachable(session, message.to(), type);
        if (target != null) {
            observer.relayed(type);
            deliver(target, codec.stamp(ok, session.id));
        }
    }

    /** The session {@code to} names if the sender may signal it; otherwise answers the error and returns null. */
    private Session reachable(Session from, String to, String type) {
        Session target = sessions.get(to);
        if (target == null || !visible(from, target)) {
            error(from, ErrorCode.UNKNOWN_PEER, to, "no such peer online", type);
            return null;
        }
        if (!mayReach(from, target)) {
            error(from, ErrorCode.FORBIDDEN, type, "you may not signal that peer", type);
            return null;
        }
        return target;
    }

    /** Another group's site does not exist for an operator (protocol.md, Clarifications). */
    private boolean visible(Session viewer, Session target) {
        return !(viewer.isOperator() && target.isSite()) || viewer.identity.mayAccess(target.identity.group());
    }

    /** Site and operator watching it; operators sharing a voice room. */
    private boolean mayReach(Session from, Session to) {
        if (from == to) {
            return false;
        }
        if (from.isSite() && to.isOperator()) {
            return to.watching.contains(from.identity.id());
        }
        if (from.isOperator() && to.isSite()) {
            return from.watching.contains(to.identity.id());
        }
        return from.isOperator() && to.isOperator() && rooms.share(from, to);
    }

    private void watch(Session session, Inbound.Watch watch, Decoded.Ok ok) {
        if (!operatorOnly(session, "watch")) {
            return;
        }
        if (watch.sites().size() > settings.maxWatch()) {
            error(session, ErrorCode.TOO_LARGE, "watch", "at most " + settings.maxWatch() + " sites", "watch");
            return;
        }
        Set<String> before = Set.copyOf(session.watching);
        Set<String> wanted = new LinkedHashSet<>();
        for (String site : watch.sites()) {
            if (watchable(session, site)) {
                wanted.add(site);
            } else {
                error(session, ErrorCode.UNKNOWN_PEER, site, "no such site", "watch");
            }
        }
        for (String site : List.copyOf(session.watching)) {
            if (!wanted.contains(site)) {
                stopWatching(session, site);
            }
        }
        for (String site : wanted) {
            if (!session.watching.contains(site)) {
                // the operator hears the site's control before the site hears of it (and may offer)
                send(session, controlOf(site));
                startWatching(session, site);
            }
        }
        journal.save(session.record());
        watchChanged(session, before);
    }

    private void unwatch(Session session, Inbound.Unwatch unwatch, Decoded.Ok ok) {
        if (!operatorOnly(session, "unwatch")) {
            return;
        }
        Set<String> before = Set.copyOf(session.watching);
        for (String site : unwatch.sites()) {
            if (session.watching.contains(site)) {
                stopWatching(session, site);
            }
        }
        journal.save(session.record());
        watchChanged(session, before);
    }

    /** One event per change of an operator's watch set, carrying the whole set (admin {@code watch} view). */
    private void watchChanged(Session operator, Set<String> before) {
        if (before.equals(operator.watching)) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("operator", operator.identity.id());
        data.put("sites", List.copyOf(operator.watching));
        observer.event(new SignalObserver.Event("watch", operator.id, null, operator + " watches "
                + (operator.watching.isEmpty() ? "no sites" : String.join(", ", operator.watching)), data));
    }

    private boolean watchable(Session operator, String siteId) {
        return sites.find(siteId)
                .filter(site -> site.enabled() && operator.identity.mayAccess(site.group()))
                .isPresent();
    }

    private void startWatching(Session operator, String siteId) {
        operator.watching.add(siteId);
        watchers.computeIfAbsent(siteId, s -> new LinkedHashSet<>()).add(operator);
        Session site = siteSessions.get(siteId);
        if (site != null) {
            send(site, new Outbound.Watcher("joined", operator.entry()));
        }
    }

    /** Unwatching releases control of the site (protocol.md, Clarifications). */
    private void stopWatching(Session operator, String siteId) {
        if (control.primaryOf(siteId) == operator) {
            releaseSite(siteId, "primary stopped watching");
        }
        operator.watching.remove(siteId);
        Set<Session> set = watchers.get(siteId);
        if (set != null && set.remove(operator) && set.isEmpty()) {
            watchers.remove(siteId);
        }
        Session site = siteSessions.get(siteId);
        if (site != null) {
            send(site, new Outbound.Watcher("left", operator.entry()));
        }
    }

    private void claim(Session session, Inbound.Claim claim, Decoded.Ok ok) {
        if (!operatorOnly(session, "claim")) {
            return;
        }
        String site = claim.site();
        if (!session.watching.contains(site)) {
            error(session, ErrorCode.FORBIDDEN, "claim", "watch a site before claiming it", "claim");
            return;
        }
        if (control.primaryOf(site) == session) {
            send(session, controlOf(site));
            return;
        }
        String previous = control.siteOf(session);
        if (previous != null) {
            releaseSite(previous, "primary moved to " + site);
        }
        Session demoted = control.primaryOf(site);
        control.claim(site, session);
        journal.control(site, session.id);
        broadcastControl(site);
        observer.event(new SignalObserver.Event("control", session.id, site, session.identity.id()
                + " took control of " + site + (demoted == null ? "" : " from " + demoted.identity.id()),
                controlFacts(site, session)));
    }

    private void release(Session session, Inbound.Release release, Decoded.Ok ok) {
        if (operatorOnly(session, "release") && control.primaryOf(release.site()) == session) {
            releaseSite(release.site(), "released by " + session.identity.id());
        }
    }

    private void releaseSite(String site, String reason) {
        control.release(site);
        journal.control(site, null);
        broadcastControl(site);
        observer.event(new SignalObserver.Event("control", null, site, site + " has no primary: " + reason,
                controlFacts(site, null)));
    }

    private static Map<String, Object> controlFacts(String site, Session primary) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("site", site);
        data.put("primary", primary == null ? null : primary.id);
        data.put("operator", primary == null ? null : primary.identity.id());
        return data;
    }

    /** {@code control} goes to the site and every operator watching it (protocol.md, Watching and control). */
    private void broadcastControl(String site) {
        String frame = codec.encode(controlOf(site));
        Session siteSession = siteSessions.get(site);
        if (siteSession != null) {
            deliver(siteSession, frame);
        }
        for (Session operator : watchers.getOrDefault(site, Set.of())) {
            deliver(operator, frame);
        }
    }

    private Outbound.Control controlOf(String site) {
        Session primary = control.primaryOf(site);
        return new Outbound.Control(site, primary == null ? null : primary.id);
    }

    private void joinRoom(Session session, Inbound.JoinRoom join, Decoded.Ok ok) {
        String room = join.room();
        if (!operatorOnly(session, "join-room")) {
            return;
        }
        if (room.length() > MAX_ROOM_NAME || room.chars().anyMatch(Character::isISOControl)) {
            error(session, ErrorCode.BAD_MESSAGE, "join-room", "room names are 1-64 printable characters",
                    "join-room");
            return;
        }
        Rooms.Key key = session.rooms().getOrDefault(room, rooms.keyFor(session, room));
        Set<Session> members = rooms.members(key);
        if (!members.contains(session) && members.size() >= capacityOf(room)) {
            error(session, ErrorCode.ROOM_FULL, room, "room is full (" + capacityOf(room) + ")",
                    "join-room");
            return;
        }
        List<Session> present = List.copyOf(members);
        List<PeerEntry> others = present.stream().filter(m -> m != session).map(Session::entry).toList();
        if (session.rooms().containsKey(room)) {
            send(session, new Outbound.Room(room, others));
            return;
        }
        session.joined(room, key);
        rooms.add(key, session);
        // The members offer to the newcomer as soon as they hear of it, and relays take no lock: the
        // newcomer's room message goes first, so no offer overtakes it (protocol.md, Voice rooms).
        send(session, new Outbound.Room(room, others));
        String event = codec.encode(new Outbound.RoomEvent(room, "joined", session.entry()));
        for (Session member : present) {
            deliver(member, event);
        }
        journal.save(session.record());
        observer.event(new SignalObserver.Event("room-join", session.id, room, session + " joined " + room));
    }

    private void leaveRoom(Session session, Inbound.LeaveRoom leave, Decoded.Ok ok) {
        if (operatorOnly(session, "leave-room") && session.rooms().containsKey(leave.room())) {
            leave(session, leave.room());
            journal.save(session.record());
        }
    }

    private void leaveAllRooms(Session session) {
        for (String room : List.copyOf(session.rooms().keySet())) {
            leave(session, room);
        }
    }

    private void leave(Session session, String room) {
        Rooms.Key key = session.left(room);
        rooms.remove(key, session);
        String event = codec.encode(new Outbound.RoomEvent(room, "left", session.entry()));
        for (Session member : rooms.members(key)) {
            deliver(member, event);
        }
        observer.event(new SignalObserver.Event("room-leave", session.id, room, session + " left " + room));
    }

    /** Keeps the latest report per pair; state changes are logged and shown in presence. */
    private void status(Session session, Inbound.Status status, Decoded.Ok ok) {
        if (!LINK_STATES.contains(status.state())) {
            error(session, ErrorCode.BAD_MESSAGE, "status", "state must be one of " + LINK_STATES, "status");
            return;
        }
        Session.LinkStatus previous = session.links.get(status.peer());
        if (previous == null && reachable(session, status.peer(), "status") == null) {
            return;
        }
        ObjectNode stats = codec.mapper().createObjectNode();
        if (status.stats() != null) {
            for (String field : STAT_FIELDS) {
                JsonNode value = status.stats().get(field);
                // Only finite numbers: a 1e400 would reach admins and operators as "Infinity".
                if (value != null && (value.isNumber() && Double.isFinite(value.asDouble())
                        || value.isTextual() && value.textValue().length() <= 16)) {
                    stats.set(field, value);
                }
            }
        }
        Session reported = sessions.get(status.peer());
        if ("closed".equals(status.state())) {
            session.links.remove(status.peer());
            if (reported != null) {
                reported.reportedBy.remove(session);
            }
        } else {
            session.links.put(status.peer(), new Session.LinkStatus(status.peer(), status.state(), stats,
                    clock.millis()));
            if (reported != null) {
                reported.reportedBy.add(session);
            }
        }
        ObjectNode last = codec.mapper().createObjectNode();
        last.put("peer", status.peer());
        last.put("state", status.state());
        last.set("stats", stats);
        session.lastStatus = last;
        Session peer = reported;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", session.identity.id());
        data.put("to", peer == null ? null : peer.identity.id());
        data.put("state", status.state());
        data.put("stats", stats);
        if (previous == null || !previous.state().equals(status.state())) {
            announce(session, "update");
            observer.event(new SignalObserver.Event("link-state", session.id, status.peer(),
                    session + " -> " + (peer == null ? status.peer() : peer.toString()) + ": " + status.state(), data));
        } else {
            observer.live(new SignalObserver.Event("link-stats", session.id, status.peer(), null, data));
        }
    }

    private boolean operatorOnly(Session session, String type) {
        if (session.isOperator()) {
            return true;
        }
        error(session, ErrorCode.FORBIDDEN, type, "only operators may send " + type, type);
        return false;
    }

    // ---- delivery ----

    /** Presence goes to every operator that can see the session (protocol.md, Presence). */
    private void announce(Session session, String event) {
        String frame = null;
        for (Session viewer : operators) {
            if (viewer != session && visible(viewer, session)) {
                if (frame == null) {
                    frame = codec.encode(new Outbound.Presence(event, session.entry()));
                }
                deliver(viewer, frame);
            }
        }
    }

    private void tell(Session viewer, String event, PeerEntry peer) {
        send(viewer, new Outbound.Presence(event, peer));
    }

    private void error(Session session, ErrorCode code, String ref, String message, String type) {
        observer.rejected(type, code);
        send(session, new Outbound.Error(code.wire(), message, ref));
    }

    private void send(Session session, Outbound message) {
        deliver(session, codec.encode(message));
    }

    /**
     * To the connection's outbox, or to the backlog while the session is between connections. Safe
     * without the monitor: only a session between connections, or an outbox that overflowed, takes it.
     */
    private void deliver(Session session, String frame) {
        Link link = session.link;
        if (link != null && link.send(frame)) {
            return;
        }
        synchronized (this) {
            if (link != null) {
                if (session.link == link) {
                    dropSlow(session);
                }
            } else if (session.link != null) {
                deliver(session, frame); // it resumed while this waited for the monitor
            } else if (sessions.get(session.id) == session) {
                if (session.backlog.size() >= settings.resumeQueue()) {
                    session.backlog.poll();
                    observer.queueDropped();
                }
                session.backlog.add(frame);
            }
        }
    }

    private void dropSlow(Session session) {
        observer.queueDropped();
        Link slow = session.link;
        detach(session, "outbox full: the client reads too slowly");
        slow.close(CloseCode.SLOW_CONSUMER.code(), "too slow");
    }

    // ---- tokens ----

    private String token(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
