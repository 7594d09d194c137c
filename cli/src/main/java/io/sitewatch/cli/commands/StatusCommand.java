package io.sitewatch.cli.commands;

import io.sitewatch.appliance.admin.dto.AdminDto.Status;
import io.sitewatch.cli.client.AdminClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "status", description = "Version, uptime, addresses, ports, data directory, counts and disk use.")
public final class StatusCommand extends AdminCommand {

    @Override
    void run(AdminClient client) throws Exception {
        Status s = client.get("/v1/status", Status.class);
        if (json) {
            Printer.json(out(), s);
            return;
        }
        PrintWriter out = out();
        out.printf("sitewatch %s, up %s (since %s)%n", s.version(), Printer.duration(s.uptimeSeconds()),
                Printer.time(s.startedAt()));
        out.printf("apps:      %s%s%n", s.baseUrl(),
                s.deviceUrl().equals(s.baseUrl()) ? "" : " (devices: " + s.deviceUrl() + ")");
        out.printf("ports:     %s%n", ports(s));
        out.printf("admin:     %s%n", s.adminSocket());
        out.printf("data:      %s, %s (%s free of %s)%n", s.dataDir(), Printer.bytes(s.diskUsedBytes()),
                Printer.bytes(s.diskFreeBytes()), Printer.bytes(s.diskTotalBytes()));
        out.printf("sites:     %d online of %d%n", s.sessions().getOrDefault("site", 0), s.sites());
        out.printf("operators: %d online, %d registered%n", s.sessions().getOrDefault("operator", 0), s.operators());
        if (s.standbyOf() != null) {
            out.printf("standby:   of %s, %s%n", s.standbyOf(), s.standbyError() != null
                    ? "cannot mirror: " + s.standbyError()
                    : s.standbyLastSync() == null ? "not mirrored yet" : "mirrored " + Printer.time(s.standbyLastSync()));
        }
        if (s.eventsDropped() > 0) {
            out.printf("events:    %d not logged (the disk could not keep up)%n", s.eventsDropped());
        }
        out.flush();
    }

    private static String ports(Status s) {
        if (!s.tls()) {
            return s.port() + " (HTTP, no TLS)";
        }
        return s.port() + " (HTTPS)" + (s.redirectPort() > 0 ? ", " + s.redirectPort() + " (redirects to HTTPS)" : "");
    }
}
