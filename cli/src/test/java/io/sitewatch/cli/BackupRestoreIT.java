package io.sitewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.Appliance;
import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.appliance.recording.ChunkUpload;
import io.sitewatch.appliance.registry.Registry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sitewatch backup} from a running appliance with data, and {@code sitewatch restore} of it. */
class BackupRestoreIT {

    @TempDir
    Path dir;
    Path dataDir;
    Path configFile;
    Appliance appliance;

    record Result(int exit, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        dataDir = dir.resolve("data");
        configFile = dir.resolve("sitewatch.conf");
        Files.writeString(configFile, "[signal]\nroom-capacity = 5\n");
        appliance = startAppliance();
    }

    @AfterEach
    void stop() {
        appliance.close();
    }

    Appliance startAppliance() throws Exception {
        return Appliance.start(dataDir, configFile, ConfigLoader.load(configFile, Map.of(), Map.of(
                "http.bind", "127.0.0.1", "http.https-port", "0", "http.http-port", "0",
                "auth.password-iterations", "1000")), Clock.systemUTC());
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(exit, out.toString(), err.toString());
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    Result backup(Path file, String... more) {
        String[] args = Stream.concat(Stream.of("backup", "--data-dir", dataDir.toString(), "--to", file.toString()),
                Stream.of(more)).toArray(String[]::new);
        return cli(args);
    }

    Result restore(Path file) {
        return cli("restore", "--data-dir", dataDir.toString(), "--config", configFile.toString(), file.toString());
    }

    @Test
    void aBackupRestoresSitesTokensCertificatesConfigAndRecordings() throws Exception {
        String token = appliance.registry().addSite(new Registry.SiteSpec("yard-1", "Yard", "north", null)).token();
        appliance.registry().addOperator("ann", "password-ann", null);
        byte[] ca = Files.readAllBytes(appliance.caFile().orElseThrow());
        byte[] chunk = {1, 2, 3};
        appliance.recordings().store(new ChunkUpload("yard-1", "rec-0123456789abcdef", 0, Instant.now(), 10_000,
                "video/webm", sha256(chunk), chunk.length), new ByteArrayInputStream(chunk));
        Path recording = appliance.recordings().file(appliance.recordings().chunk("rec-0123456789abcdef", 0).orElseThrow());
        Path file = dir.resolve("box.zip");

        Result done = backup(file, "--with-recordings");
        assertThat(done.exit()).as(done.err()).isZero();
        assertThat(done.out()).contains("backup written to", "config", "1 recording files");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        appliance.registry().removeSite("yard-1");
        appliance.registry().addSite(new Registry.SiteSpec("yard-2", "Later", null, null));
        appliance.close();
        Files.writeString(configFile, "[signal]\nroom-capacity = 9\n");

        Result restored = restore(file);
        assertThat(restored.exit()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("1 sites, 1 operators", "before-restore", "config restored");

        appliance = startAppliance();
        assertThat(appliance.registry().sites()).extracting(s -> s.id()).containsExactly("yard-1");
        assertThat(appliance.credentials().authenticate(token)).isPresent();
        assertThat(Files.readAllBytes(appliance.caFile().orElseThrow())).isEqualTo(ca);
        assertThat(Files.readAllBytes(recording)).containsExactly(1, 2, 3);
        assertThat(appliance.recordings().chunks("rec-0123456789abcdef")).hasSize(1);
        assertThat(Files.readString(configFile)).contains("room-capacity = 5");
        try (Stream<Path> siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("data.before-restore-"))
                    .anyMatch(n -> n.startsWith("sitewatch.conf.before-restore-"));
        }
    }

    @Test
    void restoreIsRefusedWhileTheApplianceRuns() throws Exception {
        Path file = dir.resolve("box.zip");
        assertThat(backup(file).exit()).isZero();

        Result refused = restore(file);
        assertThat(refused.exit()).isEqualTo(Main.REFUSED);
        assertThat(refused.err()).contains("the appliance is running on", "stop it first");
        assertThat(appliance.registry().sites()).isEmpty();
        assertThat(dir).isDirectoryNotContaining("glob:**before-restore*");
    }

    @Test
    void anExistingFileIsNotOverwrittenWithoutForce() throws Exception {
        Path file = Files.writeString(dir.resolve("box.zip"), "keep me");
        Result refused = backup(file);
        assertThat(refused.exit()).isEqualTo(Main.REFUSED);
        assertThat(refused.err()).contains("exists", "--force");
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void damagedOrForeignArchivesAreRefusedBeforeAnythingChanges() throws Exception {
        appliance.registry().addSite(new Registry.SiteSpec("yard-1", "Yard", null, null));
        Path good = dir.resolve("good.zip");
        assertThat(backup(good).exit()).isZero();
        appliance.close();
        byte[] database;
        try (ZipFile zip = new ZipFile(good.toFile())) {
            database = zip.getInputStream(zip.getEntry("data/sitewatch.db")).readAllBytes();
        }
        byte[] corrupted = database.clone();
        for (int i = 4096; i < 8192; i++) {
            corrupted[i] = (byte) 0xA5; // the second page: a b-tree page the integrity check walks
        }

        assertRefused(Files.writeString(dir.resolve("notes.zip"), "not a zip"), "not a sitewatch backup");
        assertRefused(rewrite(good, "flipped.zip", "data/sitewatch.db", corrupted, false),
                "does not match its checksum");
        assertRefused(rewrite(good, "corrupt.zip", "data/sitewatch.db", corrupted, true), "is unusable");
        assertRefused(rewrite(good, "evil.zip", "data/../../evil", new byte[] {1}, true), "unexpected file");
        assertRefused(rewrite(good, "partial.zip", "data/tls/ca.pem", null, false), "is incomplete");

        appliance = startAppliance();
        assertThat(appliance.registry().sites()).extracting(s -> s.id()).containsExactly("yard-1");
        assertThat(dir).isDirectoryNotContaining("glob:**before-restore*");
        assertThat(dir).isDirectoryNotContaining("glob:**.restore-*");
    }

    private void assertRefused(Path file, String why) {
        Result r = restore(file);
        assertThat(r.exit()).as(file.toString()).isEqualTo(Main.REFUSED);
        assertThat(r.err()).as(file.toString()).contains(why);
    }

    /**
     * A copy of a backup with one entry replaced (or dropped, when {@code content} is null); with
     * {@code fixManifest} the manifest is updated to match, so only deeper checks can notice.
     */
    private Path rewrite(Path source, String name, String entry, byte[] content, boolean fixManifest)
            throws Exception {
        Path target = dir.resolve(name);
        try (ZipFile zip = new ZipFile(source.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            String manifest = new String(zip.getInputStream(zip.getEntry("sitewatch-backup.json")).readAllBytes());
            var tree = (com.fasterxml.jackson.databind.node.ObjectNode) io.sitewatch.cli.client.AdminClient.JSON
                    .readTree(manifest);
            var files = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("files");
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (e.getName().equals("sitewatch-backup.json") || e.getName().equals(entry)) {
                    continue;
                }
                put(out, e.getName(), zip.getInputStream(e).readAllBytes());
            }
            if (content != null) {
                put(out, entry, content);
                if (fixManifest) {
                    files.putObject(entry).put("size", content.length).put("sha256", HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(content)));
                }
            }
            put(out, "sitewatch-backup.json", io.sitewatch.cli.client.AdminClient.JSON.writeValueAsBytes(tree));
        }
        return target;
    }

    private static void put(ZipOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(content);
        out.closeEntry();
    }
}
