package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sitewatch.appliance.admin.dto.AdminDto.GroupRequest;
import io.sitewatch.cli.client.AdminClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "group", description = {"Site groups (teams): an operator restricted to some groups sees, watches "
        + "and talks only within them.", "Put sites in a group with 'site add --group' or 'site move', and restrict "
        + "operators with 'operator set NAME --groups'."},
        subcommands = {GroupCommand.Add.class, GroupCommand.ListGroups.class, GroupCommand.Remove.class})
public final class GroupCommand {

    private GroupCommand() {}

    @Command(name = "add", description = "Create a group.")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        void run(AdminClient client) throws Exception {
            List<String> groups = client.post("/v1/groups", new GroupRequest(name), new TypeReference<List<String>>() {});
            if (json) {
                Printer.json(out(), groups);
            } else {
                out().printf("group %s added%n", name);
                out().flush();
            }
        }
    }

    @Command(name = "list", description = "List groups with their sites.")
    static final class ListGroups extends AdminCommand {
        @Override
        void run(AdminClient client) throws Exception {
            List<String> groups = client.get("/v1/groups", new TypeReference<List<String>>() {});
            List<io.sitewatch.appliance.admin.dto.AdminDto.SiteView> sites = client.get("/v1/sites",
                    new TypeReference<List<io.sitewatch.appliance.admin.dto.AdminDto.SiteView>>() {});
            if (json) {
                Printer.json(out(), groups);
                return;
            }
            Printer.table(out(), List.of("GROUP", "SITES"), groups.stream().map(g -> List.of(g,
                    Long.toString(sites.stream().filter(s -> s.group().equals(g)).count()))).toList());
        }
    }

    @Command(name = "remove", description = "Remove an empty group.")
    static final class Remove extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        void run(AdminClient client) throws Exception {
            client.delete("/v1/groups/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            if (json) {
                Printer.json(out(), Map.of("removed", name));
            } else {
                out().printf("group %s removed%n", name);
                out().flush();
            }
        }
    }
}
