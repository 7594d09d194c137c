package io.sitewatch.cli.commands;

import io.sitewatch.appliance.backup.Restore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "restore", description = {"Replace the data directory (and the config file) with a backup.",
        "Refused while the appliance runs: stop it first. The backup is checked completely (archive, checksums, "
                + "database integrity and schema) before anything changes; the replaced data directory is kept "
                + "as DIR.before-restore-TIME."})
public final class RestoreCommand implements Callable<Integer> {

    @Mixin
    DataDirOption dataDir;

    @Mixin
    ConfigFileOption config;

    @Parameters(paramLabel = "FILE", description = "A file written by 'sitewatch backup'.")
    Path file;

    @Option(names = "--keep-config", description = "Leave the config file as it is.")
    boolean keepConfig;

    @Option(names = "--json", description = "Print JSON (for scripts).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir.path();
        Restore.Result result = Restore.run(file, dir, keepConfig ? null : config.resolve(dir), Instant.now());
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("dataDir", result.dataDir().toString());
            body.put("previous", result.previous() == null ? null : result.previous().toString());
            body.put("configWritten", result.configWritten() == null ? null : result.configWritten().toString());
            body.put("previousConfig", result.previousConfig() == null ? null : result.previousConfig().toString());
            body.put("schemaVersion", result.database().schemaVersion());
            body.put("sites", result.database().sites());
            body.put("operators", result.database().operators());
            body.put("backupCreatedAt", result.manifest().createdAt());
            Printer.json(out, body);
            return 0;
        }
        out.printf("restored the backup of %s (sitewatch %s) into %s: %d sites, %d operators%n",
                Printer.time(result.manifest().createdAt()), result.manifest().version(), result.dataDir(),
                result.database().sites(), result.database().operators());
        if (result.previous() != null) {
            out.printf("the data it replaced is in %s (delete it once the appliance runs well)%n", result.previous());
        }
        if (result.configWritten() != null) {
            out.printf("config restored to %s%s%n", result.configWritten(), result.previousConfig() == null ? ""
                    : " (the replaced one is " + result.previousConfig() + ")");
        }
        out.println("start the appliance again, e.g. sudo systemctl start sitewatch");
        out.flush();
        return 0;
    }
}
