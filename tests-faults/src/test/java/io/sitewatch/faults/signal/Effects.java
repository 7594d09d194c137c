package io.sitewatch.faults.signal;

import io.sitewatch.faults.signal.Contract.Expect;
import io.sitewatch.faults.signal.Contract.Outcome;
import io.sitewatch.faults.signal.Contract.Peer;
import io.sitewatch.faults.signal.Contract.World;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one well-formed message from a welcomed session causes, for every session online: the sender's answer
 * and what the others are told (protocol.md: Addressing and relay, Watching and control, Voice rooms, Status
 * reports, Presence, Clarifications). The authorization matrix compares every session's inbox with this.
 */
final class Effects {

    private final World world;
    private final Peer sender;
    private final Map<Peer, List<Expect>> told = new LinkedHashMap<>();

    private Effects(World world, Peer sender) {
        this.world = world;
        this.sender = sender;
    }

    /** What each session (the sender included) receives for {@code type} aimed at {@code arg}. */
    static Map<Peer, List<Expect>> of(World world, Peer sender, String type, String arg) {
        Effects e = new Effects(world, sender);
        e.apply(type, arg);
        return e.told;
    }

    private void tell(Peer peer, Expect expect) {
        told.computeIfAbsent(peer, p -> new ArrayList<>()).add(expect);
    }

    private void apply(String type, String arg) {
        if (Contract.OPERATOR_ONLY.contains(type) && sender.site) {
            tell(sender, Expect.error("forbidden", type));
            return;
        }
        switch (type) {
            case "hello" -> tell(sender, Expect.error("bad-message", "hello"));
            case "ping" -> tell(sender, Expect.of("pong", Map.of()));
            case "watch" -> watch(arg);
            case "unwatch" -> {
                if (sender.watching.contains(arg)) {
                    stopWatching(arg);
                }
            }
            case "claim" -> claim(arg);
            case "release" -> { } // the sender is never primary when a cell starts: changes nothing
            case "join-room" -> joinRoom(arg);
            case "leave-room" -> leaveRoom(arg);
            case "status" -> status(arg);
            default -> relay(type, arg);
        }
    }

    private void relay(String type, String to) {
        Outcome reach = Contract.reach(world, sender, type, to);
        reach.toSender().forEach(e -> tell(sender, e));
        if (reach.relayTo() != null) {
            tell(reach.relayTo(), Expect.of(type, Map.of("from", sender.sessionId, "to", to)));
        }
    }

    private void status(String peer) {
        Outcome reach = Contract.reach(world, sender, "status", peer);
        reach.toSender().forEach(e -> tell(sender, e));
        if (reach.relayTo() != null) {
            for (Peer viewer : world.online) {
                if (viewer != sender && !viewer.site && (!sender.site || viewer.mayAccess(sender.group))) {
                    tell(viewer, Expect.of("presence", Map.of("event", "update", "peer.sessionId", sender.sessionId,
                            "peer.state.state", "connected")));
                }
            }
        }
    }

    private Peer siteSession(String site) {
        return world.online.stream().filter(p -> p.site && p.id.equals(site)).findFirst().orElse(null);
    }

    private void watch(String site) {
        Set<String> wanted = new LinkedHashSet<>();
        if (world.sites.containsKey(site) && sender.mayAccess(world.sites.get(site))) {
            wanted.add(site);
        } else {
            tell(sender, Expect.error("unknown-peer", site));
        }
        for (String old : List.copyOf(sender.watching)) {
            if (!wanted.contains(old)) {
                stopWatching(old);
            }
        }
        for (String added : wanted) {
            if (!sender.watching.contains(added)) {
                Peer session = siteSession(added);
                if (session != null) {
                    tell(session, Expect.of("watcher", Map.of("event", "joined", "peer.sessionId", sender.sessionId)));
                }
                Peer primary = world.primary.get(added);
                Map<String, Object> control = new LinkedHashMap<>();
                control.put("site", added);
                control.put("primary", primary == null ? null : primary.sessionId);
                tell(sender, Expect.of("control", control));
            }
        }
    }

    private void stopWatching(String site) {
        Peer session = siteSession(site);
        if (session != null) {
            tell(session, Expect.of("watcher", Map.of("event", "left", "peer.sessionId", sender.sessionId)));
        }
    }

    /** {@code control} goes to the site and every operator watching it, the new primary included. */
    private void claim(String site) {
        if (!sender.watching.contains(site)) {
            tell(sender, Expect.error("forbidden", "claim"));
            return;
        }
        Expect control = Expect.of("control", Map.of("site", site, "primary", sender.sessionId));
        Peer session = siteSession(site);
        if (session != null) {
            tell(session, control);
        }
        for (Peer operator : world.online) {
            if (!operator.site && operator.watching.contains(site)) {
                tell(operator, control);
            }
        }
    }

    private void joinRoom(String room) {
        List<Peer> others = world.roomMembers(sender, room);
        if (!sender.rooms.contains(room)) {
            for (Peer member : others) {
                tell(member, Expect.of("room-event", Map.of("room", room, "event", "joined",
                        "peer.sessionId", sender.sessionId)));
            }
        }
        tell(sender, Expect.of("room", Map.of("room", room, "members", others.stream().map(p -> p.sessionId).toList())));
    }

    private void leaveRoom(String room) {
        if (sender.rooms.contains(room)) {
            for (Peer member : world.roomMembers(sender, room)) {
                tell(member, Expect.of("room-event", Map.of("room", room, "event", "left",
                        "peer.sessionId", sender.sessionId)));
            }
        }
    }
}
