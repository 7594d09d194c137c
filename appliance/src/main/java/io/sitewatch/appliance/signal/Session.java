package io.sitewatch.appliance.signal;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.signal.msg.Outbound.PeerEntry;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A signaling session: outlives its connection for the resume window. Owned by {@link SignalCore}:
 * changed only under its monitor; what the relay path reads without it ({@link #identity},
 * {@link #link}, {@link #watching}, {@link #rooms}) is safe to read from any thread.
 */
final class Session {

    /** The latest status a session reported about one of its peer connections. */
    record LinkStatus(String peer, String state, JsonNode stats, long at) {}

    final String id;
    final long since;
    final RateLimiter limiter;
    /** Sites watched, in the order asked (copy on write: watch sets change when a person clicks). */
    final Set<String> watching = new CopyOnWriteArraySet<>();
    /** The rooms joined: the name clients use, and the room as the core keys it (per group); replaced whole. */
    private volatile Map<String, Rooms.Key> rooms = Map.of();
    final Map<String, LinkStatus> links = new LinkedHashMap<>();
    /** The sessions whose {@link #links} hold a report about this one: ending it touches only them. */
    final Set<Session> reportedBy = new HashSet<>();
    /** Messages addressed to this session while it has no connection, delivered after it resumes. */
    final ArrayDeque<String> backlog = new ArrayDeque<>(1); // empty for most sessions: no 16-slot array each

    volatile Identity identity;
    String resumeHash;
    /** The connection, or null between connections; set once a resume has delivered what was waiting. */
    volatile Link link;
    String remote = "";
    long resumeDeadline;
    long lastPing;
    JsonNode lastStatus;

    Session(String id, Identity identity, String resumeHash, long now, RateLimiter limiter) {
        this.id = id;
        this.identity = identity;
        this.resumeHash = resumeHash;
        this.since = now;
        this.lastPing = now;
        this.limiter = limiter;
    }

    Map<String, Rooms.Key> rooms() {
        return rooms;
    }

    void joined(String name, Rooms.Key room) {
        Map<String, Rooms.Key> more = new LinkedHashMap<>(rooms);
        more.put(name, room);
        rooms = Collections.unmodifiableMap(more);
    }

    Rooms.Key left(String name) {
        Map<String, Rooms.Key> fewer = new LinkedHashMap<>(rooms);
        Rooms.Key room = fewer.remove(name);
        rooms = fewer.isEmpty() ? Map.of() : Collections.unmodifiableMap(fewer);
        return room;
    }

    boolean isSite() {
        return identity.isSite();
    }

    boolean isOperator() {
        return identity.isOperator();
    }

    boolean connected() {
        return link != null;
    }

    PeerEntry entry() {
        return new PeerEntry(id, identity.role().wire(), identity.id(), identity.name(), lastStatus);
    }

    /** Who this session is and where it connects from, as event data. */
    Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("role", identity.role().wire());
        facts.put("id", identity.id());
        facts.put("name", identity.name());
        facts.put("remote", remote);
        return facts;
    }

    SessionJournal.SessionRecord record() {
        return new SessionJournal.SessionRecord(id, resumeHash, identity, Set.copyOf(watching),
                Set.copyOf(rooms().keySet()));
    }

    @Override
    public String toString() {
        return identity.role().wire() + " " + identity.id() + " (" + id + ")";
    }
}
