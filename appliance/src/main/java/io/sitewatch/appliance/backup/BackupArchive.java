package io.sitewatch.appliance.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sitewatch.appliance.Version;
import io.sitewatch.appliance.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A backup is a zip: {@code data/sitewatch.db} (a {@code VACUUM INTO} snapshot), {@code data/tls/*},
 * {@code data/demo.json}, optionally {@code data/recordings/**}, {@code config/sitewatch.conf} (the file the
 * appliance loaded) and, last, {@link #MANIFEST} with each file's size and SHA-256. Zip because the JDK writes
 * and reads it and checks every entry's CRC; the manifest adds what a CRC cannot: that nothing is missing.
 */
public final class BackupArchive {

    public static final String MANIFEST = "sitewatch-backup.json";
    public static final String DATABASE = "data/sitewatch.db";
    public static final String CONFIG = "config/sitewatch.conf";
    static final int FORMAT = 1;

    private static final String SEGMENT = "[A-Za-z0-9_-][A-Za-z0-9._-]*";
    /** Every name a backup may hold: nothing outside the data directory, nothing hidden, no "..". */
    private static final Pattern NAMES = Pattern.compile("data/sitewatch\\.db|data/demo\\.json|data/tls/" + SEGMENT
            + "|data/recordings/(" + SEGMENT + "/)*" + SEGMENT + "|config/sitewatch\\.conf");
    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** What the backup holds; {@code files} maps each entry name to its size and SHA-256. */
    public record Manifest(int format, String version, Instant createdAt, boolean recordings,
                           Map<String, FileEntry> files) {}

    public record FileEntry(long size, String sha256) {}

    private BackupArchive() {}

    /**
     * Streams a backup of the data directory of a running appliance to {@code out}.
     *
     * @param configFile the config file the appliance loaded, or null
     */
    public static Manifest write(OutputStream out, Path dataDir, Store store, Path configFile, boolean recordings,
                                 Instant now) throws IOException {
        Path snapshot = dataDir.resolve(".backup-" + now.toEpochMilli() + "-" + ProcessHandle.current().pid() + ".db");
        try {
            Files.deleteIfExists(snapshot);
            store.snapshot(snapshot);
            Map<String, FileEntry> files = new LinkedHashMap<>();
            ZipOutputStream zip = new ZipOutputStream(out);
            add(zip, DATABASE, snapshot, files);
            for (Path file : regularFiles(dataDir.resolve("tls"))) {
                add(zip, "data/tls/" + file.getFileName(), file, files);
            }
            if (Files.isRegularFile(dataDir.resolve("demo.json"))) {
                add(zip, "data/demo.json", dataDir.resolve("demo.json"), files);
            }
            if (configFile != null && Files.isRegularFile(configFile)) {
                add(zip, CONFIG, configFile, files);
            }
            Path recordingsDir = dataDir.resolve("recordings");
            if (recordings && Files.isDirectory(recordingsDir)) {
                for (Path file : regularFilesBelow(recordingsDir)) {
                    add(zip, "data/recordings/" + recordingsDir.relativize(file).toString().replace('\\', '/'), file,
                            files);
                }
            }
            Manifest manifest = new Manifest(FORMAT, Version.get(), now, recordings, files);
            zip.putNextEntry(new ZipEntry(MANIFEST));
            zip.write(JSON.writeValueAsBytes(manifest));
            zip.closeEntry();
            zip.finish();
            out.flush();
            return manifest;
        } finally {
            Files.deleteIfExists(snapshot);
        }
    }

    /**
     * Checks a backup without extracting it: a zip with a manifest of this format, only names a backup may hold,
     * every listed file present with its size and SHA-256 (reading each entry also checks its CRC).
     */
    public static Manifest verify(ZipFile zip, Path archive) throws BackupException {
        ZipEntry manifestEntry = zip.getEntry(MANIFEST);
        if (manifestEntry == null) {
            throw new BackupException(archive + " is not a sitewatch backup (no " + MANIFEST + ")");
        }
        Manifest manifest;
        try (InputStream in = zip.getInputStream(manifestEntry)) {
            manifest = JSON.readValue(in, Manifest.class);
        } catch (IOException e) {
            throw new BackupException(archive + " has an unreadable " + MANIFEST + ": " + firstLine(e));
        }
        if (manifest.format() != FORMAT || manifest.files() == null) {
            throw new BackupException(archive + " is a backup in format " + manifest.format()
                    + "; this sitewatch reads format " + FORMAT);
        }
        if (!manifest.files().containsKey(DATABASE)) {
            throw new BackupException(archive + " holds no database");
        }
        List<String> names = new ArrayList<>();
        zip.stream().forEach(entry -> names.add(entry.getName()));
        for (String name : names) {
            if (!name.equals(MANIFEST) && (!NAMES.matcher(name).matches() || !manifest.files().containsKey(name))) {
                throw new BackupException(archive + " holds an unexpected file '" + name + "'; refusing it");
            }
        }
        for (Map.Entry<String, FileEntry> file : manifest.files().entrySet()) {
            ZipEntry entry = zip.getEntry(file.getKey());
            if (entry == null) {
                throw new BackupException(archive + " is incomplete: " + file.getKey() + " is missing");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                FileEntry actual = digest(in, OutputStream.nullOutputStream());
                if (!actual.equals(file.getValue())) {
                    throw new BackupException(archive + " is damaged: " + file.getKey()
                            + " does not match its checksum");
                }
            } catch (IOException e) {
                throw new BackupException(archive + " is damaged: cannot read " + file.getKey() + ": "
                        + firstLine(e));
            }
        }
        return manifest;
    }

    private static void add(ZipOutputStream zip, String name, Path file, Map<String, FileEntry> files)
            throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setLastModifiedTime(Files.getLastModifiedTime(file));
        zip.putNextEntry(entry);
        try (InputStream in = Files.newInputStream(file)) {
            files.put(name, digest(in, zip));
        }
        zip.closeEntry();
    }

    /** Copies {@code in} to {@code out}, returning its size and SHA-256. */
    static FileEntry digest(InputStream in, OutputStream out) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = new DigestInputStream(in, sha256).transferTo(out);
        return new FileEntry(size, HexFormat.of().formatHex(sha256.digest()));
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> NAMES.matcher("data/tls/" + f.getFileName()).matches())
                    .sorted().toList();
        }
    }

    private static List<Path> regularFilesBelow(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> NAMES.matcher("data/recordings/" + dir.relativize(f)).matches())
                    .sorted().toList();
        }
    }

    static String firstLine(Exception e) {
        String text = e.getMessage() == null ? e.toString() : e.getMessage();
        return text.lines().findFirst().orElse(text);
    }
}
