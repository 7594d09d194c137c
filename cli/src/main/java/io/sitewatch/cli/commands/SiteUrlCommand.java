package io.sitewatch.cli.commands;

import io.sitewatch.appliance.admin.dto.AdminDto.EnrolledSite;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteView;
import io.sitewatch.cli.client.AdminClient;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code site url}: the only way to get a site's kiosk URL after enrolment, since tokens are kept as hashes and
 * shown once. A URL therefore carries a new token, and the device using the old one drops off: the command says
 * so and asks first, unless {@code --rotate} says yes in advance (scripts, piped shells).
 */
@Command(name = "url", description = {"Print a kiosk URL for a site's device, with a new token.",
        "Tokens are kept only as hashes, so a URL needs a new one: the device using the current token is "
                + "disconnected and must be given the new URL. Asks before issuing it, unless --rotate is given."})
final class SiteUrlCommand extends AdminCommand {

    @Parameters(paramLabel = "ID", completionCandidates = LiveCandidates.SiteIds.class)
    String id;

    @Option(names = "--rotate", description = "Issue the new token without asking.")
    boolean rotate;

    @Option(names = "--qr", description = "Also draw the URL as a QR code, to scan with the device's camera.")
    boolean qr;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "Address devices reach the appliance at (default: its own, e.g. https://box:8443).")
    String baseUrl;

    @Override
    void run(AdminClient client) throws Exception {
        String base = base(client);
        SiteView site = client.get(SiteCommand.path(id), SiteView.class);
        if (!rotate && !context().confirm(warning(site), "pass --rotate to issue a new token for " + id)) {
            throw new IllegalArgumentException("cancelled; the current token of " + id + " still works");
        }
        EnrolledSite enrolled = client.post(SiteCommand.path(id) + "/rotate-token", Map.of(), EnrolledSite.class);
        String url = SiteCommand.kioskUrl(base, enrolled.token());
        if (json) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("site", enrolled.site());
            body.put("token", enrolled.token());
            body.put("url", url);
            Printer.json(out(), body);
            return;
        }
        PrintWriter out = out();
        out.printf("kiosk URL for %s (%s), with a new token; the previous one no longer works:%n  %s%n", id,
                enrolled.site().name(), url);
        if (qr) {
            QrText.render(url, context().capableTerminal()).forEach(out::println);
        }
        out.flush();
    }

    private String base(AdminClient client) throws Exception {
        if (baseUrl == null) {
            return SiteCommand.deviceUrl(client);
        }
        if (!baseUrl.matches("https?://[^/?#\\s]+/?")) {
            throw new IllegalArgumentException("--base-url must look like https://host[:port], not " + baseUrl);
        }
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    private static String warning(SiteView site) {
        return "A URL needs a new token for " + site.id() + "; the device using the current one"
                + (site.online() ? " (online now)" : "") + " will be disconnected. Issue a new token?";
    }
}
