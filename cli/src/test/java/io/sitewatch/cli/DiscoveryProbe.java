package io.sitewatch.cli;

import io.sitewatch.appliance.discovery.Discovery;
import java.net.InetAddress;
import java.util.Map;

/**
 * Announces like an appliance on the given address for a few seconds; DiscoveryIT runs it in a
 * network namespace of its own and discovers it from another.
 */
public final class DiscoveryProbe {

    public static void main(String[] args) throws Exception {
        try (Discovery announced = Discovery.announce(InetAddress.getByName(args[0]), "sitewatch probe-box", 18443,
                Map.of("host", "probe-box", "url", "https://" + args[0] + ":18443/", "version", "9.9.9",
                        "ca", "AB:CD:EF"))) {
            Thread.sleep(Long.parseLong(args[1]));
        }
    }
}
