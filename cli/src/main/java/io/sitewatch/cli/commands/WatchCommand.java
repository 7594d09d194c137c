package io.sitewatch.cli.commands;

import io.sitewatch.appliance.admin.dto.AdminDto.Status;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.watch.FullScreenWatch;
import io.sitewatch.cli.watch.PlainWatch;
import java.net.URI;
import java.util.Optional;
import org.jline.terminal.Terminal;
import org.jline.utils.InfoCmp.Capability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "watch", description = {"A live view of the appliance, updated as events happen: sites online or "
        + "offline with their watchers and primary, links with state and bitrate, and the latest events.",
        "Keys: q quits (so does Ctrl-C), / filters by id or name, s changes the order of sites, r reloads.",
        "Without a full-screen terminal, or with --plain, prints one line per event instead; with --json, the events "
                + "(link statistics included) as JSON lines."})
public final class WatchCommand extends AdminCommand {

    private static final int MIN_ROWS = 10;
    private static final int MIN_COLUMNS = 40;

    @Option(names = "--plain", description = "One line per event instead of the full-screen view.")
    boolean plain;

    @Override
    void run(AdminClient client) throws Exception {
        if (json) {
            client.stream("/v1/events?follow=true&stats=true&limit=0", line -> Printer.jsonLine(out(), line));
            return;
        }
        String appliance = URI.create(client.get("/v1/status", Status.class).deviceUrl()).getHost();
        Optional<Terminal> screen = plain ? Optional.empty() : context().terminal().filter(WatchCommand::fullScreen);
        if (screen.isEmpty()) {
            PlainWatch.run(client, out(), appliance);
            return;
        }
        Thread viewer = Thread.currentThread();
        Terminal terminal = screen.get();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> viewer.interrupt());
        try {
            new FullScreenWatch(terminal, client, appliance).run();
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
        }
    }

    /** A terminal that can place the cursor, big enough to show something of each part. */
    private static boolean fullScreen(Terminal terminal) {
        return !terminal.getType().startsWith(Terminal.TYPE_DUMB)
                && terminal.getStringCapability(Capability.cursor_address) != null
                && terminal.getHeight() >= MIN_ROWS && terminal.getWidth() >= MIN_COLUMNS;
    }
}
