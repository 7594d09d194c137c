package io.sitewatch.cli.commands;

import io.sitewatch.appliance.admin.AdminServer;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import io.sitewatch.cli.client.SocketTransport;
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

    public AdminClient client() throws AdminException {
        return new AdminClient(new SocketTransport(dataDir.resolve(AdminServer.SOCKET_NAME)));
    }
}
