package io.sitewatch.faults.signal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * protocol.md as an oracle: what the server must answer to a message from a welcomed session, derived from the
 * contract's rules (Errors, Addressing and relay, Watching and control, Voice rooms, Status reports, and the
 * Clarifications, Limits included) and a model of who is online, never from watching the server.
 */
final class Contract {

    /** Client message types of protocol.md. */
    static final List<String> TYPES = List.of("hello", "ping", "offer", "answer", "candidate", "bye", "watch",
            "unwatch", "claim", "release", "join-room", "leave-room", "status");
    static final Set<String> RELAYED = Set.of("offer", "answer", "candidate", "bye");
    static final Set<String> OPERATOR_ONLY = Set.of("watch", "unwatch", "claim", "release", "join-room", "leave-room");
    static final Set<String> LINK_STATES = Set.of("new", "connecting", "connected", "disconnected", "failed", "closed");
    static final int MAX_NESTING = 32;
    static final int MAX_ROOM_NAME = 64;
    static final int MAX_NUMBER_DIGITS = 1000;
    static final int MAX_NAME_LENGTH = 50_000;

    /** What a field must hold (protocol.md, Clarifications, Limits). */
    enum Field { REQUIRED_STRING, OPTIONAL_STRING, PRESENT, SITES, OPTIONAL_OBJECT }

    static final Map<String, Map<String, Field>> SCHEMA = Map.ofEntries(
            Map.entry("hello", Map.of("token", Field.REQUIRED_STRING, "client", Field.OPTIONAL_STRING,
                    "resume", Field.OPTIONAL_STRING)),
            Map.entry("ping", Map.of()),
            Map.entry("offer", Map.of("to", Field.REQUIRED_STRING, "sdp", Field.REQUIRED_STRING)),
            Map.entry("answer", Map.of("to", Field.REQUIRED_STRING, "sdp", Field.REQUIRED_STRING)),
            Map.entry("candidate", Map.of("to", Field.REQUIRED_STRING, "candidate", Field.PRESENT)),
            Map.entry("bye", Map.of("to", Field.REQUIRED_STRING)),
            Map.entry("watch", Map.of("sites", Field.SITES)),
            Map.entry("unwatch", Map.of("sites", Field.SITES)),
            Map.entry("claim", Map.of("site", Field.REQUIRED_STRING)),
            Map.entry("release", Map.of("site", Field.REQUIRED_STRING)),
            Map.entry("join-room", Map.of("room", Field.REQUIRED_STRING)),
            Map.entry("leave-room", Map.of("room", Field.REQUIRED_STRING)),
            Map.entry("status", Map.of("peer", Field.REQUIRED_STRING, "state", Field.REQUIRED_STRING,
                    "stats", Field.OPTIONAL_OBJECT)));

    /** One session as the model sees it. {@code groups} null: an operator allowed every group. */
    static final class Peer {
        final String name;
        final boolean site;
        final String id;
        final String group;
        final Set<String> groups;
        final Set<String> watching = new LinkedHashSet<>();
        final Set<String> rooms = new LinkedHashSet<>();
        /** Peers this session reported a link status about, with the last state. */
        final Map<String, String> links = new HashMap<>();
        String sessionId;

        private Peer(String name, boolean site, String id, String group, Set<String> groups) {
            this.name = name;
            this.site = site;
            this.id = id;
            this.group = group;
            this.groups = groups;
        }

        static Peer site(String id, String group) {
            return new Peer("site " + id, true, id, group, null);
        }

        static Peer operator(String name, Set<String> groups) {
            return new Peer("operator " + name, false, name, null, groups);
        }

        boolean mayAccess(String siteGroup) {
            return groups == null || groups.contains(siteGroup);
        }

        /** Rooms are per group unless shared (protocol.md, Additions, Voice rooms): the same scope meets. */
        String roomScope() {
            return groups == null ? "*all" : String.join(",", new java.util.TreeSet<>(groups));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Who is online, which sites are registered (id -> group, enabled ones only) and who controls what. */
    static final class World {
        final List<Peer> online = new ArrayList<>();
        final Map<String, String> sites = new HashMap<>();
        final Map<String, Peer> primary = new HashMap<>();
        final int maxWatch;

        World(int maxWatch) {
            this.maxWatch = maxWatch;
        }

        Peer bySession(String sessionId) {
            return online.stream().filter(p -> p.sessionId.equals(sessionId)).findFirst().orElse(null);
        }

        List<Peer> roomMembers(Peer of, String room) {
            return online.stream().filter(p -> p != of && !p.site && p.rooms.contains(room)
                    && p.roomScope().equals(of.roomScope())).toList();
        }
    }

    /** One message the sender must receive: its type and, for errors, code and ref; extra facts by type. */
    record Expect(String type, String code, String ref, Map<String, Object> facts) {
        static Expect error(String code, String ref) {
            return new Expect("error", code, ref, Map.of());
        }

        static Expect of(String type, Map<String, Object> facts) {
            return new Expect(type, null, null, facts);
        }

        @Override
        public String toString() {
            return type + (code == null ? "" : " " + code + " ref=" + abbreviate(ref)) + (facts.isEmpty() ? "" : " " + facts);
        }
    }

    /**
     * The contract's answer. {@code relayTo}: the peer that receives the message with {@code from} stamped.
     * {@code changesState}: a valid message whose effects go beyond the sender and relay target (presence, control,
     * watchers, rooms); the corpus keeps its world fixed and leaves those to the authorization matrix.
     */
    record Outcome(List<Expect> toSender, Peer relayTo, boolean changesState) {
        static Outcome answer(Expect... expects) {
            return new Outcome(List.of(expects), null, false);
        }

        static final Outcome SILENT = new Outcome(List.of(), null, false);
        static final Outcome STATE_CHANGE = new Outcome(List.of(), null, true);
    }

    private Contract() {}

    /** The answer to a frame that is not a JSON object at all (or breaks the Limits): bad-message, no ref. */
    static Outcome notJson() {
        return Outcome.answer(Expect.error("bad-message", null));
    }

    /** A JSON object within the Limits (protocol.md, Clarifications). */
    static boolean withinLimits(Object message) {
        return message instanceof Map<?, ?> && Wire.depth(message) <= MAX_NESTING && !Wire.hasLoneSurrogate(message)
                && Wire.maxDigits(message) <= MAX_NUMBER_DIGITS && Wire.maxNameLength(message) <= MAX_NAME_LENGTH;
    }

    /** Within the Limits, of a known type, with every field as the type requires. */
    static boolean wellFormed(Object message) {
        return withinLimits(message) && message instanceof Map<?, ?> m && m.get("type") instanceof String type
                && SCHEMA.containsKey(type) && valid(SCHEMA.get(type), m);
    }

    static Outcome answer(World world, Peer sender, Object message) {
        if (!withinLimits(message) || !(message instanceof Map<?, ?> m)) {
            return notJson();
        }
        if (!(m.get("type") instanceof String type)) {
            return notJson();
        }
        if (!SCHEMA.containsKey(type)) {
            return Outcome.answer(Expect.error("unknown-type", type));
        }
        if (!valid(SCHEMA.get(type), m)) {
            return Outcome.answer(Expect.error("bad-message", type));
        }
        if (OPERATOR_ONLY.contains(type) && sender.site) {
            return Outcome.answer(Expect.error("forbidden", type));
        }
        return switch (type) {
            case "hello" -> Outcome.answer(Expect.error("bad-message", "hello"));
            case "ping" -> Outcome.answer(Expect.of("pong", Map.of()));
            case "watch" -> watch(world, sender, strings(m.get("sites")));
            case "unwatch" -> strings(m.get("sites")).stream().anyMatch(sender.watching::contains)
                    ? Outcome.STATE_CHANGE : Outcome.SILENT;
            case "claim" -> claim(world, sender, (String) m.get("site"));
            case "release" -> world.primary.get((String) m.get("site")) == sender ? Outcome.STATE_CHANGE : Outcome.SILENT;
            case "join-room" -> joinRoom(world, sender, (String) m.get("room"));
            case "leave-room" -> sender.rooms.contains((String) m.get("room")) && !world.roomMembers(sender,
                    (String) m.get("room")).isEmpty() ? Outcome.STATE_CHANGE : Outcome.SILENT;
            case "status" -> status(world, sender, (String) m.get("peer"), (String) m.get("state"));
            default -> relay(world, sender, type, (String) m.get("to"));
        };
    }

    private static boolean valid(Map<String, Field> schema, Map<?, ?> message) {
        for (Map.Entry<String, Field> f : schema.entrySet()) {
            boolean present = message.containsKey(f.getKey());
            Object v = message.get(f.getKey());
            boolean ok = switch (f.getValue()) {
                case REQUIRED_STRING -> v instanceof String s && !s.isEmpty();
                case OPTIONAL_STRING -> v == null || v instanceof String;
                case PRESENT -> present;
                case OPTIONAL_OBJECT -> v == null || v instanceof Map;
                case SITES -> v instanceof List<?> list && list.stream().allMatch(e -> e instanceof String s && !s.isEmpty());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object list) {
        return (List<String>) list;
    }

    /** Who may signal whom (protocol.md, Addressing and relay; Clarifications, Allowed to watch). */
    static Outcome reach(World world, Peer sender, String type, String to) {
        Peer target = world.bySession(to);
        if (target == null || !sender.site && target.site && !sender.mayAccess(target.group)) {
            return Outcome.answer(Expect.error("unknown-peer", to));
        }
        if (!mayReach(world, sender, target)) {
            return Outcome.answer(Expect.error("forbidden", type));
        }
        return new Outcome(List.of(), target, false);
    }

    static boolean mayReach(World world, Peer from, Peer to) {
        if (from == to || from.site && to.site) {
            return false;
        }
        if (from.site || to.site) {
            Peer site = from.site ? from : to;
            Peer operator = from.site ? to : from;
            return operator.watching.contains(site.id);
        }
        return from.rooms.stream().anyMatch(room -> world.roomMembers(from, room).contains(to));
    }

    private static Outcome relay(World world, Peer sender, String type, String to) {
        return reach(world, sender, type, to);
    }

    private static boolean watchable(World world, Peer operator, String site) {
        String group = world.sites.get(site);
        return world.sites.containsKey(site) && operator.mayAccess(group);
    }

    private static Outcome watch(World world, Peer sender, List<String> sites) {
        if (sites.size() > world.maxWatch) {
            return Outcome.answer(Expect.error("too-large", "watch"));
        }
        List<Expect> errors = new ArrayList<>();
        Set<String> wanted = new LinkedHashSet<>();
        for (String site : sites) {
            if (watchable(world, sender, site)) {
                wanted.add(site);
            } else {
                errors.add(Expect.error("unknown-peer", site));
            }
        }
        return new Outcome(errors, null, !wanted.equals(sender.watching));
    }

    private static Outcome claim(World world, Peer sender, String site) {
        if (!sender.watching.contains(site)) {
            return Outcome.answer(Expect.error("forbidden", "claim"));
        }
        if (world.primary.get(site) == sender) {
            return Outcome.answer(Expect.of("control", Map.of("site", site, "primary", sender.sessionId)));
        }
        return Outcome.STATE_CHANGE;
    }

    private static Outcome joinRoom(World world, Peer sender, String room) {
        if (room.length() > MAX_ROOM_NAME || room.chars().anyMatch(Character::isISOControl)) {
            return Outcome.answer(Expect.error("bad-message", "join-room"));
        }
        List<String> members = world.roomMembers(sender, room).stream().map(p -> p.sessionId).toList();
        if (!sender.rooms.contains(room) && !members.isEmpty()) {
            return Outcome.STATE_CHANGE; // the others are told: not for the fixed world of the corpus
        }
        // Joining a room nobody else is in tells only the joiner: the corpus may do it any number of times.
        return Outcome.answer(Expect.of("room", Map.of("room", room, "members", members)));
    }

    private static Outcome status(World world, Peer sender, String peer, String state) {
        if (!LINK_STATES.contains(state)) {
            return Outcome.answer(Expect.error("bad-message", "status"));
        }
        String previous = sender.links.get(peer);
        if (previous == null) {
            Outcome reach = reach(world, sender, "status", peer);
            return reach.relayTo() == null ? reach : Outcome.STATE_CHANGE;
        }
        return previous.equals(state) ? Outcome.SILENT : Outcome.STATE_CHANGE;
    }

    static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 40 ? s : s.substring(0, 40) + "...(" + s.length() + ")";
    }

    static boolean same(Expect expected, com.fasterxml.jackson.databind.JsonNode got) {
        if (!expected.type().equals(got.path("type").asText())) {
            return false;
        }
        if (expected.code() != null) {
            boolean refOk = expected.ref() == null ? !got.has("ref") || got.get("ref").isNull()
                    : got.path("ref").isTextual() && expected.ref().equals(got.get("ref").textValue());
            if (!expected.code().equals(got.path("code").asText()) || !refOk || got.path("message").asText().isBlank()) {
                return false;
            }
        }
        for (Map.Entry<String, Object> fact : expected.facts().entrySet()) {
            com.fasterxml.jackson.databind.JsonNode value = got;
            for (String step : fact.getKey().split("\\.")) {
                value = value == null ? null : value.get(step);
            }
            Object want = fact.getValue();
            if (want instanceof List<?> ids) {
                List<String> gotIds = new ArrayList<>();
                value.forEach(p -> gotIds.add(p.path("sessionId").asText()));
                if (!gotIds.equals(ids)) {
                    return false;
                }
            } else if (value == null || !Objects.equals(want, value.isNull() ? null : value.asText())) {
                return false;
            }
        }
        return true;
    }
}
