package io.sitewatch.appliance.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

class NativeLibraryTest {

    @TempDir
    Path dataDir;

    @Test
    void copiesTheBundledLibraryOnceOwnerOnlyAndKeepsAnIdenticalCopy() throws Exception {
        Path dir = dataDir.resolve(NativeLibrary.DIRECTORY);
        Path copy = NativeLibrary.copyInto(dir);

        assertThat(copy.getFileName().toString()).isEqualTo("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-"
                + LibraryLoaderUtil.getNativeLibName());
        assertThat(Files.readAllBytes(copy)).isEqualTo(bundled());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");

        FileTime written = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(copy, written);
        assertThat(NativeLibrary.copyInto(dir)).isEqualTo(copy);
        assertThat(Files.getLastModifiedTime(copy)).as("an identical copy is not written again").isEqualTo(written);
    }

    @Test
    void replacesAChangedCopyAndDropsOtherVersionsAndLeftovers() throws Exception {
        Path dir = dataDir.resolve(NativeLibrary.DIRECTORY);
        Path copy = NativeLibrary.copyInto(dir);
        byte[] changed = Files.readAllBytes(copy);
        changed[changed.length / 2] ^= 1;
        Files.write(copy, changed);
        Files.writeString(dir.resolve("sqlite-jdbc-3.0.0-" + LibraryLoaderUtil.getNativeLibName()), "old version");
        Files.writeString(dir.resolve(".partial-" + copy.getFileName()), "a crash mid-copy");

        assertThat(NativeLibrary.copyInto(dir)).isEqualTo(copy);

        assertThat(Files.readAllBytes(copy)).isEqualTo(bundled());
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(copy);
        }
    }

    private static byte[] bundled() throws Exception {
        try (var in = SQLiteJDBCLoader.class.getResourceAsStream(LibraryLoaderUtil.getNativeLibResourcePath() + "/"
                + LibraryLoaderUtil.getNativeLibName())) {
            return in.readAllBytes();
        }
    }
}
