package io.sitewatch.cli.commands;

import io.sitewatch.appliance.discovery.Discovery;
import io.sitewatch.appliance.discovery.LanAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "discover", description = "List the sitewatch appliances on the LAN (mDNS), e.g. to pair a standby.")
public final class DiscoverCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "3", description = "How long to listen (default: 3).")
    int seconds;

    @Option(names = "--address", paramLabel = "ADDRESS",
            description = "The local address whose network to search (default: the first LAN address).")
    String address;

    @Option(names = "--json", description = "Print JSON (for scripts).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        InetAddress local = address != null ? InetAddress.getByName(address) : LanAddress.find("0.0.0.0")
                .orElseThrow(() -> new IllegalArgumentException("no LAN address to search from; pass --address"));
        List<Discovery.Found> found = Discovery.browse(local, seconds * 1000L);
        if (json) {
            Printer.json(spec.commandLine().getOut(), found);
        } else {
            Printer.table(spec.commandLine().getOut(), List.of("NAME", "URL", "HOST", "VERSION", "CA FINGERPRINT"),
                    found.stream().map(f -> List.of(f.name(), Printer.orDash(f.url()), Printer.orDash(f.host()),
                            Printer.orDash(f.version()), Printer.orDash(f.fingerprint()))).toList());
        }
        return 0;
    }
}
