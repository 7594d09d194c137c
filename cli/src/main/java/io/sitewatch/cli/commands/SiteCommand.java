package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.sitewatch.appliance.admin.dto.AdminDto.EnrolledSite;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteChange;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteView;
import io.sitewatch.appliance.admin.dto.AdminDto.Status;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "site", description = "Register and manage sites (publishers).",
        subcommands = {SiteCommand.Add.class, SiteCommand.ListSites.class, SiteCommand.Show.class,
                SiteCommand.Enable.class, SiteCommand.Disable.class, SiteCommand.Remove.class,
                SiteCommand.Rename.class, SiteCommand.Move.class, SiteCommand.RotateToken.class,
                SiteUrlCommand.class,
                SiteCommand.Import.class})
public final class SiteCommand {

    private SiteCommand() {}

    static String path(String id) {
        return "/v1/sites/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    static void printEnrolled(PrintWriter out, EnrolledSite enrolled, String deviceUrl, String verb) {
        out.printf("site %s %s. Its token is shown only now; keep it safe:%n  %s%n", enrolled.site().id(), verb,
                enrolled.token());
        out.printf("kiosk URL: %s%n", kioskUrl(deviceUrl, enrolled.token()));
        out.flush();
    }

    /** The page a site device opens: it stores the token and starts publishing. */
    static String kioskUrl(String deviceUrl, String token) {
        return deviceUrl + "/site/?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&autostart=1";
    }

    /** The appliance's address as other devices reach it. */
    static String deviceUrl(AdminClient client) throws AdminException {
        return client.get("/v1/status", Status.class).deviceUrl();
    }

    static void printSites(PrintWriter out, List<SiteView> sites) {
        List<List<String>> rows = new ArrayList<>();
        for (SiteView s : sites) {
            rows.add(List.of(s.id(), s.name(), Printer.orDash(s.location()), s.group(),
                    s.enabled() ? "yes" : "no", s.online() ? "online" : "offline"));
        }
        Printer.table(out, List.of("ID", "NAME", "LOCATION", "GROUP", "ENABLED", "STATE"), rows);
    }

    @Command(name = "add", description = "Register a site and print its token (shown once).")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "ID", description = "Site id: letters, digits, '.', '_', '-'.")
        String id;
        @Option(names = "--name", description = "Display name (default: the id).")
        String name;
        @Option(names = "--location", description = "Where the site is.")
        String location;
        @Option(names = "--group", description = "Site group (default: default).")
        String group;

        @Override
        void run(AdminClient client) throws Exception {
            EnrolledSite enrolled = client.post("/v1/sites", new SiteRequest(id, name, location, group),
                    EnrolledSite.class);
            if (json) {
                Printer.json(out(), enrolled);
            } else {
                printEnrolled(out(), enrolled, deviceUrl(client), "added");
            }
        }
    }

    @Command(name = "list", description = "List registered sites.")
    static final class ListSites extends AdminCommand {
        @Override
        void run(AdminClient client) throws Exception {
            List<SiteView> sites = client.get("/v1/sites", new TypeReference<List<SiteView>>() {});
            if (json) {
                Printer.json(out(), sites);
            } else {
                printSites(out(), sites);
            }
        }
    }

    @Command(name = "show", description = "Show one site.")
    static final class Show extends AdminCommand {
        @Parameters(paramLabel = "ID", completionCandidates = LiveCandidates.SiteIds.class)
        String id;

        @Override
        void run(AdminClient client) throws Exception {
            SiteView site = client.get(path(id), SiteView.class);
            if (json) {
                Printer.json(out(), site);
            } else {
                PrintWriter out = out();
                out.printf("id:        %s%nname:      %s%nlocation:  %s%ngroup:     %s%nenabled:   %s%n"
                                + "state:     %s%nsession:   %s%ncreated:   %s%n", site.id(), site.name(),
                        Printer.orDash(site.location()), site.group(), site.enabled() ? "yes" : "no",
                        site.online() ? "online" : "offline", Printer.orDash(site.sessionId()),
                        Printer.time(site.createdAt()));
                out.flush();
            }
        }
    }

    abstract static class OneSite extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ID", completionCandidates = LiveCandidates.SiteIds.class)
        String id;

        void printSite(SiteView site, String what) {
            if (json) {
                Printer.json(out(), site);
            } else {
                out().printf("site %s %s%n", site.id(), what);
                out().flush();
            }
        }
    }

    @Command(name = "enable", description = "Allow a site to connect again.")
    static final class Enable extends OneSite {
        @Override
        void run(AdminClient client) throws Exception {
            printSite(client.post(path(id) + "/enable", Map.of(), SiteView.class), "enabled");
        }
    }

    @Command(name = "disable", description = "Stop a site from connecting; its live session is closed.")
    static final class Disable extends OneSite {
        @Override
        void run(AdminClient client) throws Exception {
            printSite(client.post(path(id) + "/disable", Map.of(), SiteView.class), "disabled");
        }
    }

    @Command(name = "remove", description = "Remove a site and its token; its live session is closed.")
    static final class Remove extends OneSite {
        @Override
        void run(AdminClient client) throws Exception {
            client.delete(path(id));
            if (json) {
                Printer.json(out(), Map.of("removed", id));
            } else {
                out().printf("site %s removed%n", id);
                out().flush();
            }
        }
    }

    @Command(name = "rename", description = "Change a site's display name.")
    static final class Rename extends OneSite {
        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        void run(AdminClient client) throws Exception {
            printSite(client.patch(path(id), new SiteChange(name, null, null), SiteView.class), "renamed to " + name);
        }
    }

    @Command(name = "move", description = "Move a site to another group; operators outside it stop seeing it at once.")
    static final class Move extends OneSite {
        @Parameters(index = "1", paramLabel = "GROUP")
        String group;

        @Override
        void run(AdminClient client) throws Exception {
            printSite(client.patch(path(id), new SiteChange(null, null, group), SiteView.class), "moved to " + group);
        }
    }

    @Command(name = "rotate-token", description = "Issue a new token; the old one stops working at once.")
    static final class RotateToken extends OneSite {
        @Override
        void run(AdminClient client) throws Exception {
            EnrolledSite enrolled = client.post(path(id) + "/rotate-token", Map.of(), EnrolledSite.class);
            if (json) {
                Printer.json(out(), enrolled);
            } else {
                printEnrolled(out(), enrolled, deviceUrl(client), "has a new token");
            }
        }
    }

    @Command(name = "import", description = {"Enrol many sites in one transaction from CSV (header: "
            + "id,name,location,group) or JSON lines ({\"id\":..,\"name\":..}); '-' reads standard input.",
            "Prints each new token once. Nothing is enrolled if any line is invalid."})
    static final class Import extends AdminCommand {
        @Parameters(paramLabel = "FILE")
        String file;

        @Override
        void run(AdminClient client) throws Exception {
            List<SiteRequest> sites = read();
            List<EnrolledSite> enrolled = client.post("/v1/sites/import", sites,
                    new TypeReference<List<EnrolledSite>>() {});
            if (json) {
                Printer.json(out(), enrolled);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (EnrolledSite e : enrolled) {
                rows.add(List.of(e.site().id(), e.token()));
            }
            Printer.table(out(), List.of("ID", "TOKEN (shown once)"), rows);
            out().printf("%d sites enrolled%n", enrolled.size());
            out().flush();
        }

        private List<SiteRequest> read() throws IOException {
            byte[] bytes;
            if (file.equals("-")) {
                bytes = System.in.readAllBytes();
            } else {
                bytes = Files.readAllBytes(Path.of(file));
            }
            String text = new String(bytes, StandardCharsets.UTF_8).stripLeading();
            try {
                return text.startsWith("{") ? jsonLines(text) : csv(text);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read " + file + ": "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            }
        }

        private static List<SiteRequest> jsonLines(String text) throws IOException {
            ObjectReader reader = AdminClient.JSON.readerFor(SiteRequest.class);
            try (MappingIterator<SiteRequest> it = reader.readValues(text)) {
                return it.readAll();
            }
        }

        private static List<SiteRequest> csv(String text) throws IOException {
            CsvMapper csv = new CsvMapper();
            CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnReordering(true);
            try (MappingIterator<Map<String, String>> it = csv.readerFor(new TypeReference<Map<String, String>>() {})
                    .with(schema).readValues(text)) {
                List<SiteRequest> sites = new ArrayList<>();
                for (Map<String, String> row : it.readAll()) {
                    sites.add(new SiteRequest(row.get("id"), blank(row.get("name")), blank(row.get("location")),
                            blank(row.get("group"))));
                }
                return sites;
            }
        }

        private static String blank(String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }
}
