package io.sitewatch.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.admin.dto.AdminDto.SiteView;
import io.sitewatch.appliance.signal.SignalViews.SessionView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

class WatchScreenTest {

    final WatchModel model = new WatchModel();

    void sites(int count, int online) {
        List<SiteView> sites = IntStream.range(0, count).mapToObj(i -> new SiteView("site-" + i, "Name " + i, null,
                "default", true, Instant.EPOCH, false, null)).toList();
        List<SessionView> sessions = new ArrayList<>();
        for (int i = 0; i < online; i++) {
            sessions.add(new SessionView("s" + i, "site", "site-" + i, "Name " + i, "", 0, true, List.of(), List.of(),
                    null, null));
        }
        model.load(new WatchModel.Snapshot(sites, sessions, List.of(), List.of()));
    }

    static List<String> draw(WatchModel model, WatchScreen.View view, int width, int height) {
        return WatchScreen.draw(model, view, "12:00:00", width, height).stream().map(AttributedString::toString)
                .toList();
    }

    static WatchScreen.View view(String filter) {
        return new WatchScreen.View("box", filter, WatchScreen.Sort.STATE, null, null);
    }

    @Test
    void fillsTheTerminalExactlyAtAnySize() {
        sites(40, 3);
        for (int[] size : new int[][] {{80, 24}, {40, 10}, {200, 60}, {100, 12}}) {
            List<String> lines = draw(model, view(""), size[0], size[1]);
            assertThat(lines).hasSize(size[1]).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(size[0]));
            assertThat(lines.get(0)).contains("3/40 ").contains("online");
        }
    }

    @Test
    void onlineSitesComeFirstAndWhatDoesNotFitIsCounted() {
        sites(40, 3);
        List<String> lines = draw(model, view(""), 80, 24);
        assertThat(lines.get(3)).startsWith("site-0").contains("online");
        assertThat(lines).anyMatch(l -> l.matches("… \\d+ more \\(narrow with /\\)"));
    }

    @Test
    void theFilterNarrowsSitesByIdOrName() {
        sites(40, 3);
        List<String> lines = draw(model, view("name 17"), 80, 24);
        assertThat(lines.get(1)).isEqualTo("SITES (1, matching 'name 17', by state)");
        assertThat(lines.get(3)).startsWith("site-17");
        List<String> editing = draw(model, new WatchScreen.View("box", "", WatchScreen.Sort.ID, "yar", null), 80, 24);
        assertThat(editing.get(23)).startsWith("filter: yar_");
    }
}
