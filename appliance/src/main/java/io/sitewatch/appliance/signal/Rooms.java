package io.sitewatch.appliance.signal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Voice rooms and their members (protocol.md, Voice rooms). A room exists while it has members. */
final class Rooms {

    private final Map<String, Set<Session>> members = new TreeMap<>();

    Set<Session> members(String room) {
        return members.getOrDefault(room, Set.of());
    }

    void add(String room, Session session) {
        members.computeIfAbsent(room, r -> new LinkedHashSet<>()).add(session);
    }

    void remove(String room, Session session) {
        Set<Session> set = members.get(room);
        if (set != null && set.remove(session) && set.isEmpty()) {
            members.remove(room);
        }
    }

    boolean share(Session a, Session b) {
        for (String room : a.rooms) {
            if (b.rooms.contains(room)) {
                return true;
            }
        }
        return false;
    }

    Map<String, List<Session>> all() {
        Map<String, List<Session>> copy = new TreeMap<>();
        members.forEach((room, set) -> copy.put(room, List.copyOf(set)));
        return copy;
    }
}
