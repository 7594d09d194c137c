package io.sitewatch.cli.commands;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir}, which every command takes: where the appliance keeps its state and its admin socket. */
public final class DataDirOption {

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:SITEWATCH_DATA_DIR:-./sitewatch-data}",
            description = "Data directory (env SITEWATCH_DATA_DIR; default: ${DEFAULT-VALUE}).")
    Path dataDir;

    public Path path() {
        return dataDir;
    }
}
