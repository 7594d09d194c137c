package io.sitewatch.faults.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The server side of TCP connections to one local port, read from {@code /proc/net/tcp} and
 * {@code tcp6}: what the kernel says the appliance still holds open, whatever the appliance thinks.
 */
final class ServerSockets {

    /** One connection accepted on the port: the client's port and the TCP state (hex, 01 = established). */
    record Conn(int remotePort, String state) {}

    /**
     * States in which the server process still holds the socket: established, being accepted, or
     * closed by the client but not by the server. Once the server closes, the kernel finishes alone.
     */
    private static final Set<String> HELD = Set.of("01", "03", "08");

    private ServerSockets() {}

    static List<Conn> on(int port) {
        List<Conn> conns = new ArrayList<>();
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                String state = f[3];
                if (local == port && HELD.contains(state)) {
                    conns.add(new Conn(Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16), state));
                }
            }
        }
        return conns;
    }

    static int count(int port) {
        return on(port).size();
    }

    static boolean holds(int port, int clientPort) {
        return on(port).stream().anyMatch(c -> c.remotePort() == clientPort);
    }
}
