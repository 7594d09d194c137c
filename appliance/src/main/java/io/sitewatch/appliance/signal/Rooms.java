package io.sitewatch.appliance.signal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Voice rooms and their members (protocol.md, Voice rooms). Rooms are per group: two operators
 * are in the same room only if the room is shared or their groups are the same, so a room
 * name never connects teams that must not see each other. A room exists while it has members.
 */
final class Rooms {

    /** A room as the core tells rooms apart: the scope (groups, or shared) and the name clients use. */
    record Key(String scope, String name) implements Comparable<Key> {
        static final String SHARED = "*";

        @Override
        public int compareTo(Key other) {
            int byName = name.compareTo(other.name);
            return byName != 0 ? byName : scope.compareTo(other.scope);
        }
    }

    private final Map<Key, Set<Session>> members = new TreeMap<>();
    private final Set<String> shared = new LinkedHashSet<>();

    /** The room {@code name} as this session can join it. */
    Key keyFor(Session session, String name) {
        return new Key(shared.contains(name) ? Key.SHARED : session.identity.roomScope(), name);
    }

    void share(String name, boolean isShared) {
        if (isShared) {
            shared.add(name);
        } else {
            shared.remove(name);
        }
    }

    Set<Session> members(Key room) {
        return members.getOrDefault(room, Set.of());
    }

    void add(Key room, Session session) {
        members.computeIfAbsent(room, r -> new LinkedHashSet<>()).add(session);
    }

    void remove(Key room, Session session) {
        Set<Session> set = members.get(room);
        if (set != null && set.remove(session) && set.isEmpty()) {
            members.remove(room);
        }
    }

    /** Whether two sessions share a room: reads only the sessions, so relays ask it without the core's monitor. */
    boolean share(Session a, Session b) {
        Map<String, Key> theirs = b.rooms();
        for (Key room : a.rooms().values()) {
            if (theirs.containsValue(room)) {
                return true;
            }
        }
        return false;
    }

    Map<Key, List<Session>> all() {
        Map<Key, List<Session>> copy = new TreeMap<>();
        members.forEach((room, set) -> copy.put(room, List.copyOf(set)));
        return copy;
    }
}
