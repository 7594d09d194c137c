package io.sitewatch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.sitewatch.cli.client.AdminClient;
import picocli.CommandLine.Command;

@Command(name = "config", description = "The running appliance's configuration.",
        subcommands = ConfigCommand.Show.class)
public final class ConfigCommand {

    private ConfigCommand() {}

    @Command(name = "show", description = {"Print the effective configuration (defaults, file, environment and "
            + "flags combined) as TOML; secrets are masked."})
    static final class Show extends AdminCommand {
        @Override
        void run(AdminClient client) throws Exception {
            String toml = client.get("/v1/config", JsonNode.class).path("toml").asText();
            if (json) {
                Printer.json(out(), new TomlMapper().readTree(toml));
            } else {
                out().print(toml.endsWith("\n") ? toml : toml + "\n");
                out().flush();
            }
        }
    }
}
