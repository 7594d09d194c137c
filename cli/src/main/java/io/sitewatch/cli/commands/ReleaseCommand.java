package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteView;
import io.sitewatch.appliance.signal.SignalViews.ControlView;
import io.sitewatch.cli.client.AdminClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "release", description = {"Admin override: take control of a site away from its primary operator. "
        + "The site then has no primary until an operator claims it."})
public final class ReleaseCommand extends AdminCommand {

    @Parameters(paramLabel = "SITE", completionCandidates = LiveCandidates.SiteIds.class)
    String site;

    @Override
    void run(AdminClient client) throws Exception {
        client.get(SiteCommand.path(site), SiteView.class); // an unknown site is an error, not "nothing held"
        Optional<String> holder = client.get("/v1/control", new TypeReference<List<ControlView>>() {}).stream()
                .filter(c -> c.site().equals(site)).map(ControlView::operator).findFirst();
        boolean released = client.post("/v1/control/" + URLEncoder.encode(site, StandardCharsets.UTF_8) + "/release",
                Map.of(), JsonNode.class).path("released").asBoolean();
        if (json) {
            Printer.json(out(), Map.of("site", site, "released", released));
        } else if (released) {
            out().printf("released %s%s%n", site, holder.map(h -> " (" + h + " no longer controls it)").orElse(""));
        } else {
            out().printf("%s has no primary; nothing to release%n", site);
        }
        out().flush();
    }
}
