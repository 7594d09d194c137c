package io.sitewatch.appliance.backup;

import io.sitewatch.appliance.store.StoreException;
import io.sitewatch.appliance.store.sqlite.DataDirLock;
import io.sitewatch.appliance.store.sqlite.SqliteFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * {@code sitewatch restore}: checks a backup completely, then swaps it in for the data directory. Refused while an
 * appliance holds the directory. The archive is extracted next to the data directory and its database checked
 * ({@code PRAGMA integrity_check}, schema version) before anything is touched; then the current directory is
 * renamed to {@code <dir>.before-restore-<time>} and the restored one renamed into place, so the old data is
 * never lost and the data directory is never half restored.
 */
public final class Restore {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    /**
     * @param previous       where the replaced data directory now is, or null if there was none
     * @param configWritten  the config file written from the backup, or null if unchanged or not in it
     * @param previousConfig the replaced config file's copy, or null
     */
    public record Result(BackupArchive.Manifest manifest, SqliteFiles.Check database, Path dataDir, Path previous,
                         Path configWritten, Path previousConfig) {}

    private Restore() {}

    /**
     * @param configFile where the config file from the backup goes (the one {@code serve} would load), or null to
     *                   leave the config alone
     */
    public static Result run(Path archive, Path dataDir, Path configFile, Instant now) throws BackupException {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(archive)) {
            throw new BackupException("no such file: " + archive);
        }
        try (ZipFile zip = open(archive)) {
            BackupArchive.Manifest manifest = BackupArchive.verify(zip, archive);
            if (!Files.exists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            }
            try (DataDirLock lock = lock(dir)) {
                String stamp = STAMP.format(now);
                Path staging = dir.resolveSibling("." + dir.getFileName() + ".restore-" + stamp);
                SqliteFiles.Check database;
                try {
                    extract(zip, staging);
                    database = SqliteFiles.check(staging.resolve("sitewatch.db"));
                    if (!database.sound()) {
                        throw new BackupException("the database in " + archive + " is unusable; nothing was changed: "
                                + String.join("; ", database.problems()));
                    }
                    adoptOwnerAndMode(staging, dir);
                } catch (BackupException | IOException | RuntimeException e) {
                    deleteTree(staging);
                    throw e;
                }
                Path previous = swap(dir, staging, stamp);
                Path[] config = restoreConfig(zip, configFile, stamp);
                return new Result(manifest, database, dir, previous, config[0], config[1]);
            }
        } catch (IOException e) {
            throw new BackupException("cannot restore " + archive + " into " + dir + ": " + BackupArchive.firstLine(e),
                    e);
        }
    }

    private static ZipFile open(Path archive) throws BackupException {
        try {
            return new ZipFile(archive.toFile());
        } catch (ZipException e) {
            throw new BackupException(archive + " is not a sitewatch backup (not a zip archive)");
        } catch (IOException e) {
            throw new BackupException("cannot read " + archive + ": " + BackupArchive.firstLine(e));
        }
    }

    private static DataDirLock lock(Path dir) throws BackupException {
        try {
            return DataDirLock.acquire(dir);
        } catch (StoreException e) {
            throw new BackupException("the appliance is running on " + dir + "; stop it first (e.g. sudo systemctl "
                    + "stop sitewatch), restore, then start it again");
        }
    }

    private static void extract(ZipFile zip, Path staging) throws IOException {
        Files.createDirectories(staging);
        Files.setPosixFilePermissions(staging, PRIVATE_DIR);
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            if (!entry.getName().startsWith("data/")) {
                continue;
            }
            Path target = staging.resolve(entry.getName().substring("data/".length())).normalize();
            if (!target.startsWith(staging)) {
                throw new IOException("refusing " + entry.getName());
            }
            for (Path parent = target.getParent(); !parent.equals(staging); parent = parent.getParent()) {
                if (!Files.isDirectory(parent)) {
                    Files.createDirectories(parent);
                    Files.setPosixFilePermissions(parent, PRIVATE_DIR);
                }
            }
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, target);
            }
            Files.setPosixFilePermissions(target, entry.getName().equals("data/tls/ca.pem") ? PUBLIC_FILE
                    : PRIVATE_FILE);
        }
    }

    /** The restored tree belongs to whoever owns the data directory (the service user), in its mode. */
    private static void adoptOwnerAndMode(Path staging, Path dir) throws IOException, BackupException {
        PosixFileAttributes current = Files.readAttributes(dir, PosixFileAttributes.class);
        Files.setPosixFilePermissions(staging, current.permissions());
        try (Stream<Path> paths = Files.walk(staging)) {
            for (Path path : paths.toList()) {
                PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                try {
                    view.setOwner(current.owner());
                    view.setGroup(current.group());
                } catch (IOException e) {
                    throw new BackupException("cannot give the restored files to " + current.owner().getName() + ":"
                            + current.group().getName() + ", the owner of " + dir + "; run restore as root or as "
                            + current.owner().getName());
                }
            }
        }
    }

    /** Moves the current directory aside (or drops it when it holds nothing but the lock file) and the new one in. */
    private static Path swap(Path dir, Path staging, String stamp) throws IOException {
        Path previous = null;
        List<String> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.map(p -> p.getFileName().toString()).toList();
        }
        if (entries.stream().allMatch(name -> name.equals("sitewatch.lock"))) {
            Files.deleteIfExists(dir.resolve("sitewatch.lock"));
            Files.delete(dir);
        } else {
            previous = dir.resolveSibling(dir.getFileName() + ".before-restore-" + stamp);
            Files.move(dir, previous, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        return previous;
    }

    /** @return the config file written (or null) and the copy of the one it replaced (or null) */
    private static Path[] restoreConfig(ZipFile zip, Path configFile, String stamp) throws IOException {
        ZipEntry entry = zip.getEntry(BackupArchive.CONFIG);
        if (entry == null || configFile == null) {
            return new Path[2];
        }
        byte[] restored;
        try (InputStream in = zip.getInputStream(entry)) {
            restored = in.readAllBytes();
        }
        Path previous = null;
        if (Files.isRegularFile(configFile)) {
            if (Arrays.equals(Files.readAllBytes(configFile), restored)) {
                return new Path[2];
            }
            previous = configFile.resolveSibling(configFile.getFileName() + ".before-restore-" + stamp);
            Files.copy(configFile, previous, StandardCopyOption.COPY_ATTRIBUTES);
        }
        Path temp = configFile.resolveSibling("." + configFile.getFileName() + ".restore");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        Files.write(temp, restored);
        if (previous != null) {
            PosixFileAttributes old = Files.readAttributes(previous, PosixFileAttributes.class);
            Files.setPosixFilePermissions(temp, old.permissions());
            PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
            view.setOwner(old.owner());
            view.setGroup(old.group());
        }
        Files.move(temp, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Path[] {configFile, previous};
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
