package io.sitewatch.cli.commands;

import io.sitewatch.appliance.backup.BackupArchive;
import io.sitewatch.appliance.backup.BackupException;
import io.sitewatch.cli.client.AdminClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "backup", description = {"Back up the running appliance: a consistent copy of the database, its "
        + "certificates and keys, and the config file, as one zip (owner-only: it holds secrets).",
        "Restore it with 'sitewatch restore FILE'."})
public final class BackupCommand extends AdminCommand {

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "The backup file to write.")
    Path to;

    @Option(names = "--with-recordings", description = "Include DATA_DIR/recordings/ (can be large).")
    boolean withRecordings;

    @Option(names = "--force", description = "Replace FILE if it exists.")
    boolean force;

    @Override
    void run(AdminClient client) throws Exception {
        if (Files.exists(to) && !force) {
            throw new IllegalArgumentException(to + " exists; choose another name or add --force");
        }
        Path partial = to.toAbsolutePath().resolveSibling(to.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        BackupArchive.Manifest manifest;
        try {
            client.download("/v1/backup" + (withRecordings ? "?recordings=true" : ""), partial);
            manifest = verified(partial);
            Files.move(partial, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        long bytes = Files.size(to);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("file", to.toAbsolutePath().toString());
            out.put("bytes", bytes);
            out.put("manifest", manifest);
            Printer.json(out(), out);
            return;
        }
        long recordings = manifest.files().keySet().stream().filter(n -> n.startsWith("data/recordings/")).count();
        out().printf("backup written to %s (%d bytes): database, %d certificate/key files%s%s%n", to, bytes,
                manifest.files().keySet().stream().filter(n -> n.startsWith("data/tls/")).count(),
                manifest.files().containsKey(BackupArchive.CONFIG) ? ", config" : "",
                withRecordings ? ", " + recordings + " recording files" : "");
        out().println("It holds private keys and password hashes: keep it where only admins can read it.");
        out().flush();
    }

    /** The file on disk must read back as a complete backup before it takes the name the admin asked for. */
    private static BackupArchive.Manifest verified(Path file) throws IOException, BackupException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return BackupArchive.verify(zip, file);
        }
    }
}
