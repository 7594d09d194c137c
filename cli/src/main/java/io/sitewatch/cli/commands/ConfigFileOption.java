package io.sitewatch.cli.commands;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config}: the config file {@code serve} loads, for commands that read it without the appliance. */
public final class ConfigFileOption {

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:SITEWATCH_CONFIG}",
            description = "Config file (env SITEWATCH_CONFIG; default: DIR/sitewatch.conf).")
    Path file;

    public Path resolve(Path dataDir) {
        return file != null ? file : dataDir.resolve("sitewatch.conf");
    }
}
