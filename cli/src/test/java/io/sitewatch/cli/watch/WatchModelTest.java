package io.sitewatch.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteView;
import io.sitewatch.appliance.signal.SignalViews.ControlView;
import io.sitewatch.appliance.signal.SignalViews.LinkView;
import io.sitewatch.appliance.signal.SignalViews.SessionView;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.watch.WatchModel.SiteRow;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchModelTest {

    static final Instant T = Instant.parse("2026-11-23T08:00:00Z");

    final WatchModel model = new WatchModel();

    static SiteView site(String id, boolean enabled) {
        return new SiteView(id, "Site " + id, null, "default", enabled, T, false, null);
    }

    static SessionView session(String id, String role, String who, boolean connected, List<String> watching) {
        return new SessionView(id, role, who, who, "10.0.0.1:1", 0, connected, watching, List.of(), null, null);
    }

    static EventView event(String kind, String session, String peer, Map<String, Object> data) {
        return new EventView(0, T, kind, session, peer, kind + " " + session, data);
    }

    static Map<String, Object> who(String role, String id) {
        return Map.of("role", role, "id", id, "name", id, "remote", "10.0.0.1:1");
    }

    void loadTwoSitesOneOnlineWatchedByAnnWhoHoldsIt() {
        model.load(new WatchModel.Snapshot(List.of(site("yard-1", true), site("yard-2", true), site("old", false)),
                List.of(session("s1", "site", "yard-1", true, List.of()),
                        session("o1", "operator", "ann", true, List.of("yard-1", "yard-2"))),
                List.of(new LinkView("o1", "ann", "s1", "yard-1", "connected",
                        AdminClient.JSON.createObjectNode().put("kbpsIn", 900), 0)),
                List.of(new ControlView("yard-1", "o1", "ann"))));
    }

    SiteRow row(String id) {
        return model.sites().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void theSnapshotGivesStatesWatchersPrimariesAndLinks() {
        loadTwoSitesOneOnlineWatchedByAnnWhoHoldsIt();
        assertThat(model.sites()).containsExactly(
                new SiteRow("old", "Site old", "disabled", List.of(), null),
                new SiteRow("yard-1", "Site yard-1", "online", List.of("ann"), "ann"),
                new SiteRow("yard-2", "Site yard-2", "offline", List.of("ann"), null));
        assertThat(model.links()).singleElement().satisfies(l -> {
            assertThat(l.from()).isEqualTo("ann");
            assertThat(l.stats().get("kbpsIn").asInt()).isEqualTo(900);
        });
        assertThat(model.operatorsOnline()).isEqualTo(1);
    }

    @Test
    void sitesComeAndGoAndResume() {
        loadTwoSitesOneOnlineWatchedByAnnWhoHoldsIt();
        model.apply(event("session-open", "s2", null, who("site", "yard-2")));
        assertThat(row("yard-2").state()).isEqualTo("online");
        model.apply(event("session-detached", "s2", null, who("site", "yard-2")));
        assertThat(row("yard-2").state()).isEqualTo("resuming");
        model.apply(event("session-resume", "s2", null, who("site", "yard-2")));
        assertThat(row("yard-2").state()).isEqualTo("online");
        model.apply(event("session-end", "s1", null, who("site", "yard-1")));
        assertThat(row("yard-1").state()).isEqualTo("offline");
        assertThat(model.links()).isEmpty(); // its peer connections went with it
        model.apply(event("session-open", "s9", null, who("site", "new-site")));
        assertThat(row("new-site").state()).isEqualTo("online"); // enrolled after the snapshot
    }

    @Test
    void watchControlAndLinkEventsCarryTheWholeNewState() {
        loadTwoSitesOneOnlineWatchedByAnnWhoHoldsIt();
        model.apply(event("watch", "o1", null, Map.of("operator", "ann", "sites", List.of("yard-2"))));
        assertThat(row("yard-1").watchers()).isEmpty();
        Map<String, Object> released = new HashMap<>(Map.of("site", "yard-1"));
        released.put("primary", null);
        model.apply(event("control", null, "yard-1", released));
        assertThat(row("yard-1").primary()).isNull();
        model.apply(event("link-stats", "o1", "s1", Map.of("from", "ann", "to", "yard-1", "state", "connected",
                "stats", Map.of("kbpsIn", 1500, "fps", 25))));
        assertThat(model.links()).singleElement().satisfies(l -> assertThat(l.stats().get("fps").asInt())
                .isEqualTo(25));
        model.apply(event("link-state", "o1", "s1", Map.of("from", "ann", "to", "yard-1", "state", "closed",
                "stats", Map.of())));
        assertThat(model.links()).isEmpty();
        model.apply(event("session-end", "o1", null, who("operator", "ann")));
        assertThat(model.operatorsOnline()).isZero();
    }

    /** The stream opens before the snapshot is read, so some events repeat what the snapshot already shows. */
    @Test
    void eventsTheSnapshotAlreadyReflectsChangeNothing() {
        loadTwoSitesOneOnlineWatchedByAnnWhoHoldsIt();
        List<SiteRow> before = model.sites();
        model.apply(event("session-open", "s1", null, who("site", "yard-1")));
        model.apply(event("watch", "o1", null, Map.of("operator", "ann", "sites", List.of("yard-1", "yard-2"))));
        model.apply(event("control", "o1", "yard-1", Map.of("site", "yard-1", "primary", "o1", "operator", "ann")));
        assertThat(model.sites()).isEqualTo(before);
    }

    @Test
    void theTailKeepsTheLatestEventsButNotStatistics() {
        model.apply(event("link-stats", "o1", "s1", Map.of("state", "connected", "stats", Map.of())));
        for (int i = 0; i < WatchModel.TAIL + 10; i++) {
            model.apply(event("auth-failed", null, null, null));
        }
        assertThat(model.tail()).hasSize(WatchModel.TAIL).allMatch(e -> e.kind().equals("auth-failed"));
    }
}
