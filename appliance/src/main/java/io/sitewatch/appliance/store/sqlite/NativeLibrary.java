package io.sitewatch.appliance.store.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.stream.Stream;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite's native library, kept in the data directory. Left to itself, sqlite-jdbc writes the library from its jar to
 * a new randomly named file in the temporary directory on every start and compares the two byte by byte: about 80 ms
 * of a 2-core box's CPU, a third of opening the database (issue 11). Here the copy stays, named by the sqlite-jdbc
 * version; each start compares it with the jar's in bulk (so a changed copy is replaced, never loaded) and hands it to
 * sqlite-jdbc through its documented {@code org.sqlite.lib.path}/{@code org.sqlite.lib.name}. Settings made with
 * {@code -D} win; where the copy cannot be made or loaded (no bundled library, a read-only or noexec data
 * directory), sqlite-jdbc does as it always did.
 */
final class NativeLibrary {

    static final String DIRECTORY = "native";
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    private static final String PREFIX = "sqlite-jdbc-";

    private NativeLibrary() {}

    /** Loads the library from {@code dataDir/native}, copying it there first if needed; once per process. */
    static synchronized void loadFrom(Path dataDir) {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return; // chosen with -D, or loaded already
        }
        try {
            Path copy = copyInto(dataDir.resolve(DIRECTORY));
            if (copy != null) {
                System.load(copy.toString());
                System.setProperty(PATH_PROPERTY, copy.getParent().toString());
                System.setProperty(NAME_PROPERTY, copy.getFileName().toString());
            }
        } catch (IOException | UnsupportedOperationException | UnsatisfiedLinkError | SecurityException e) {
            LOG.info("SQLite's library stays in the temporary directory: {}", e.toString());
        }
    }

    /**
     * Makes {@code dir} hold this sqlite-jdbc's library for this platform, and nothing else.
     *
     * @return the copy, or null when sqlite-jdbc bundles no library for this platform
     */
    static Path copyInto(Path dir) throws IOException {
        String name = LibraryLoaderUtil.getNativeLibName();
        byte[] library;
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(
                LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name)) {
            if (in == null) {
                return null;
            }
            library = in.readAllBytes();
        }
        Path copy = dir.resolve(PREFIX + SQLiteJDBCLoader.getVersion() + "-" + name);
        if (!Files.isRegularFile(copy) || !Arrays.equals(Files.readAllBytes(copy), library)) {
            write(dir, copy, library);
        }
        return copy;
    }

    /** Writes the copy beside its final name and renames it, then drops the copies of other versions. */
    private static void write(Path dir, Path copy, byte[] library) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path partial = dir.resolve(".partial-" + copy.getFileName()); // the data directory's lock keeps it ours
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(partial, library);
            Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path old : files.filter(f -> !f.equals(copy)).toList()) {
                Files.deleteIfExists(old);
            }
        }
    }
}
