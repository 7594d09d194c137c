package io.sitewatch.cli.commands;

import io.sitewatch.appliance.admin.dto.AdminDto.CaCertificate;
import io.sitewatch.cli.client.AdminClient;
import picocli.CommandLine.Command;

@Command(name = "cert", description = "The appliance's TLS certificates.", subcommands = CertCommand.ExportCa.class)
public final class CertCommand {

    private CertCommand() {}

    @Command(name = "export-ca", description = {"Print the appliance's own CA certificate (PEM), to install on site "
            + "devices so they trust the appliance, e.g. sitewatch cert export-ca > sitewatch-ca.pem.",
            "With --json, also its SHA-256 fingerprint, to compare with what a device shows."})
    static final class ExportCa extends AdminCommand {
        @Override
        void run(AdminClient client) throws Exception {
            CaCertificate ca = client.get("/v1/cert/ca", CaCertificate.class);
            if (json) {
                Printer.json(out(), ca);
            } else {
                out().print(ca.pem());
                out().flush();
            }
        }
    }
}
