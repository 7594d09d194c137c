package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sitewatch.appliance.signal.SignalViews.SessionView;
import io.sitewatch.cli.client.AdminClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "sessions", description = "Who is connected: role, id, address, since, state, last status.")
public final class SessionsCommand extends AdminCommand {

    @Override
    void run(AdminClient client) throws Exception {
        List<SessionView> sessions = client.get("/v1/sessions", new TypeReference<List<SessionView>>() {});
        if (json) {
            Printer.json(out(), sessions);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (SessionView s : sessions) {
            String status = s.lastStatus() == null ? "-"
                    : s.lastStatus().path("state").asText() + " " + s.lastStatus().path("stats").path("route").asText("");
            rows.add(List.of(s.sessionId(), s.role(), s.id(), Printer.orDash(s.remote()), Printer.time(s.since()),
                    s.connected() ? "connected" : "resuming", Printer.orDash(s.primaryOf()), status.strip()));
        }
        Printer.table(out(), List.of("SESSION", "ROLE", "ID", "ADDRESS", "SINCE", "STATE", "PRIMARY OF",
                "LAST STATUS"), rows);
    }
}
