package io.sitewatch.cli.watch;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteView;
import io.sitewatch.appliance.signal.SignalViews.ControlView;
import io.sitewatch.appliance.signal.SignalViews.LinkView;
import io.sitewatch.appliance.signal.SignalViews.SessionView;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the watch view shows, built from a snapshot of the admin API and kept current by the events that follow
 * (never by polling). Each event carries the whole new state of what it is about, so applying one the snapshot
 * already reflects changes nothing: the event stream can open before the snapshot is read and nothing is missed
 * or counted twice.
 */
public final class WatchModel {

    /** The state at one moment, as the admin API lists it. */
    public record Snapshot(List<SiteView> sites, List<SessionView> sessions, List<LinkView> links,
                           List<ControlView> controls) {

        public static Snapshot read(AdminClient client) throws AdminException {
            return new Snapshot(client.get("/v1/sites", new TypeReference<List<SiteView>>() {}),
                    client.get("/v1/sessions", new TypeReference<List<SessionView>>() {}),
                    client.get("/v1/links", new TypeReference<List<LinkView>>() {}),
                    client.get("/v1/control", new TypeReference<List<ControlView>>() {}));
        }
    }

    /** A site row: state is online, resuming (between connections), offline or disabled. */
    public record SiteRow(String id, String name, String state, List<String> watchers, String primary) {}

    /** A peer connection as its reporter last described it. */
    public record LinkRow(String from, String to, String state, JsonNode stats) {}

    static final int TAIL = 500;

    private record Site(String name, boolean enabled) {}

    private record Session(String role, String id, boolean connected, Set<String> watching) {}

    private final Map<String, Site> sites = new TreeMap<>();
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, String> primaries = new HashMap<>();
    private final Map<String, LinkRow> links = new LinkedHashMap<>();
    private final Deque<EventView> tail = new ArrayDeque<>();

    /** Replaces the state (not the event tail) with a snapshot. */
    public void load(Snapshot snapshot) {
        sites.clear();
        sessions.clear();
        primaries.clear();
        links.clear();
        snapshot.sites().forEach(s -> sites.put(s.id(), new Site(s.name(), s.enabled())));
        snapshot.sessions().forEach(s -> sessions.put(s.sessionId(),
                new Session(s.role(), s.id(), s.connected(), new LinkedHashSet<>(s.watching()))));
        snapshot.controls().forEach(c -> primaries.put(c.site(), c.primary()));
        snapshot.links().forEach(l -> links.put(l.from() + " " + l.to(),
                new LinkRow(l.fromId(), l.toId(), l.state(), l.stats())));
    }

    /** Applies one event; events without facts (stored ones, older appliances) only join the tail. */
    public void apply(EventView event) {
        Map<String, Object> data = event.data();
        if (data != null && event.session() != null) {
            switch (event.kind()) {
                case "session-open", "session-resume" -> session(event.session(), data, true);
                case "session-detached" -> session(event.session(), data, false);
                case "session-end" -> ended(event.session());
                case "watch" -> watching(event.session(), data);
                case "link-state", "link-stats" -> link(event.session(), event.peer(), data);
                default -> { }
            }
        }
        if (data != null && event.kind().equals("control")) {
            control(data);
        }
        if (!event.kind().equals("link-stats")) {
            tail.addLast(event);
            if (tail.size() > TAIL) {
                tail.removeFirst();
            }
        }
    }

    private void session(String id, Map<String, Object> data, boolean connected) {
        Session known = sessions.get(id);
        Set<String> watching = known == null ? new LinkedHashSet<>() : known.watching();
        String role = String.valueOf(data.get("role"));
        String identity = String.valueOf(data.get("id"));
        sessions.put(id, new Session(role, identity, connected, watching));
        if (role.equals("site") && !sites.containsKey(identity)) {
            sites.put(identity, new Site(String.valueOf(data.getOrDefault("name", identity)), true));
        }
    }

    private void ended(String id) {
        sessions.remove(id);
        primaries.values().removeIf(id::equals);
        links.keySet().removeIf(key -> key.startsWith(id + " ") || key.endsWith(" " + id));
    }

    private void watching(String id, Map<String, Object> data) {
        Session known = sessions.get(id);
        if (known != null && data.get("sites") instanceof List<?> list) {
            known.watching().clear();
            list.forEach(site -> known.watching().add(String.valueOf(site)));
        }
    }

    private void control(Map<String, Object> data) {
        String site = String.valueOf(data.get("site"));
        Object primary = data.get("primary");
        if (primary == null) {
            primaries.remove(site);
        } else {
            primaries.put(site, primary.toString());
        }
    }

    private void link(String from, String to, Map<String, Object> data) {
        String state = String.valueOf(data.get("state"));
        if (state.equals("closed")) {
            links.remove(from + " " + to);
            return;
        }
        links.put(from + " " + to, new LinkRow(text(data.get("from")), text(data.get("to")), state,
                AdminClient.JSON.valueToTree(data.get("stats"))));
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** Every site, by id, with its state, its watchers' names and its primary's name. */
    public List<SiteRow> sites() {
        Map<String, Session> siteSessions = new HashMap<>();
        Map<String, Set<String>> watchers = new HashMap<>();
        for (Session s : sessions.values()) {
            if (s.role().equals("site")) {
                siteSessions.merge(s.id(), s, (a, b) -> a.connected() ? a : b);
            } else {
                s.watching().forEach(site -> watchers.computeIfAbsent(site, k -> new LinkedHashSet<>()).add(s.id()));
            }
        }
        List<SiteRow> rows = new ArrayList<>();
        sites.forEach((id, site) -> {
            Session session = siteSessions.get(id);
            String state = session != null ? (session.connected() ? "online" : "resuming")
                    : site.enabled() ? "offline" : "disabled";
            Session primary = sessions.get(primaries.get(id));
            rows.add(new SiteRow(id, site.name(), state, List.copyOf(watchers.getOrDefault(id, Set.of())),
                    primary == null ? null : primary.id()));
        });
        return rows;
    }

    public List<LinkRow> links() {
        return List.copyOf(links.values());
    }

    /** The latest events, oldest first. */
    public List<EventView> tail() {
        return List.copyOf(tail);
    }

    public int operatorsOnline() {
        return (int) sessions.values().stream().filter(s -> s.role().equals("operator")).map(Session::id)
                .distinct().count();
    }
}
