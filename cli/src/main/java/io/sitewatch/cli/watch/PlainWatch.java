package io.sitewatch.cli.watch;

import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import io.sitewatch.cli.commands.EventLines;
import io.sitewatch.cli.watch.WatchModel.SiteRow;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code watch} where full screen is impossible or unwanted (a dumb terminal, a pipe, {@code --plain}): one line
 * with the state now, then one line per event as it happens, until interrupted or the appliance stops.
 */
public final class PlainWatch {

    private PlainWatch() {}

    public static void run(AdminClient client, PrintWriter out, String appliance) throws AdminException {
        try (EventFeedLines lines = new EventFeedLines(client.lines("/v1/events?follow=true&limit=0"))) {
            WatchModel model = new WatchModel();
            model.load(WatchModel.Snapshot.read(client));
            out.println(summary(model, appliance));
            out.flush();
            for (EventView event = lines.next(); event != null; event = lines.next()) {
                out.println(EventLines.withTime(event));
                out.flush();
            }
        }
    }

    static String summary(WatchModel model, String appliance) {
        List<SiteRow> sites = model.sites();
        List<String> online = sites.stream().filter(s -> s.state().equals("online")).map(SiteRow::id).toList();
        return String.format("sitewatch on %s: %d/%d sites online%s, %d operators; following events (Ctrl-C stops)",
                appliance, online.size(), sites.size(),
                online.isEmpty() ? "" : " (" + online.stream().limit(20).collect(Collectors.joining(", "))
                        + (online.size() > 20 ? ", ..." : "") + ")", model.operatorsOnline());
    }

    /** Stream lines as events. */
    private record EventFeedLines(AdminClient.Lines lines) implements AutoCloseable {
        EventView next() throws AdminException {
            var line = lines.next();
            return line == null ? null : AdminClient.JSON.convertValue(line, EventView.class);
        }

        @Override
        public void close() {
            lines.close();
        }
    }
}
