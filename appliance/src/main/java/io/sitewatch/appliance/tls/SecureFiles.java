package io.sitewatch.appliance.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** An owner-only directory and crash-safe replacement of the files in it. */
final class SecureFiles {

    private static final Set<PosixFilePermission> OWNER_DIRECTORY = permissions("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY = permissions("rw-------");
    private static final Set<PosixFilePermission> WORLD_READABLE = permissions("rw-r--r--");

    private SecureFiles() {
    }

    /**
     * Creates the directory as 0700, since it holds private keys. An existing one is left as the admin set it:
     * changing it would fail for a service user who may read but does not own it.
     */
    static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir);
        if (isPosix(dir)) {
            // Set afterwards: as a creation attribute it would also apply to missing parents such as the data dir.
            Files.setPosixFilePermissions(dir, OWNER_DIRECTORY);
        }
    }

    /** Writes a file only the owner can read (0600). */
    static void writePrivate(Path file, byte[] content) throws IOException {
        write(file, content, OWNER_ONLY);
    }

    /** Writes a file anyone may read (0644), such as the CA certificate users install. */
    static void writePublic(Path file, byte[] content) throws IOException {
        write(file, content, WORLD_READABLE);
    }

    /**
     * Temp file, fsync, rename, fsync the directory: after a crash the file is either the old or the new one,
     * never torn. The temp file is created 0600, so key bytes are never readable by others, even briefly.
     */
    private static void write(Path file, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = isPosix(dir);
        String prefix = "." + file.getFileName() + ".";
        Path temp = posix
                ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, prefix, ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (posix) {
                Files.setPosixFilePermissions(temp, permissions);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        if (posix) {
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
        }
    }

    private static Set<PosixFilePermission> permissions(String mode) {
        return Set.copyOf(PosixFilePermissions.fromString(mode));
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
