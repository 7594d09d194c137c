package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sitewatch.appliance.signal.SignalViews.SessionView;
import io.sitewatch.cli.client.AdminClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "kick", description = {"End a session at once: the client is told it is unauthorized and "
        + "disconnected. It may connect again with its token; to keep it out, disable the site or remove the "
        + "operator."})
public final class KickCommand extends AdminCommand {

    @Parameters(paramLabel = "SESSION", completionCandidates = LiveCandidates.SessionIds.class,
            description = "Session id, as 'sessions' lists them.")
    String session;

    @Override
    void run(AdminClient client) throws Exception {
        SessionView kicked = client.get("/v1/sessions", new TypeReference<List<SessionView>>() {}).stream()
                .filter(s -> s.sessionId().equals(session)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no session '" + session + "'"));
        client.delete("/v1/sessions/" + URLEncoder.encode(session, StandardCharsets.UTF_8));
        if (json) {
            Printer.json(out(), Map.of("kicked", kicked));
        } else {
            out().printf("kicked %s %s (session %s)%n", kicked.role(), kicked.id(), session);
            out().flush();
        }
    }
}
