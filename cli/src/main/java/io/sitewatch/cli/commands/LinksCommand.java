package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sitewatch.appliance.signal.SignalViews.LinkView;
import io.sitewatch.cli.client.AdminClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "links", description = {"Each site<->operator peer connection as its clients last reported it: "
        + "state, route (host, srflx, prflx or relay), bitrate in and out, frame rate and round-trip time."})
public final class LinksCommand extends AdminCommand {

    @Parameters(arity = "0..1", paramLabel = "SITE", completionCandidates = LiveCandidates.SiteIds.class,
            description = "Only the links of this site or operator.")
    String only;

    @Override
    void run(AdminClient client) throws Exception {
        List<LinkView> links = client.get("/v1/links", new TypeReference<List<LinkView>>() {}).stream()
                .filter(l -> only == null || only.equals(l.fromId()) || only.equals(l.toId())).toList();
        if (json) {
            Printer.json(out(), links);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (LinkView l : links) {
            rows.add(List.of(Printer.orDash(l.fromId()), Printer.orDash(l.toId()), l.state(),
                    LinkStats.text(l.stats(), "route"), LinkStats.text(l.stats(), "kbpsIn"),
                    LinkStats.text(l.stats(), "kbpsOut"), LinkStats.text(l.stats(), "fps"),
                    LinkStats.text(l.stats(), "rttMs"), Printer.time(l.at())));
        }
        Printer.table(out(), List.of("FROM", "TO", "STATE", "ROUTE", "KBPS IN", "KBPS OUT", "FPS", "RTT MS",
                "REPORTED"), rows);
    }
}
