package io.sitewatch.appliance.recording;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Chunk files under the recordings directory: {@code <site>/<recording>/<seq>.<ext>}. A chunk is first
 * streamed to {@code .incoming/}, synced, then renamed into place and its directory synced, so a file
 * under its final name is always complete (design.md, Storage).
 */
final class ChunkFiles {

    static final String INCOMING = ".incoming";
    private static final int BUFFER = 64 * 1024;

    /** A body written to a temporary file: its size and SHA-256 (lowercase hex). */
    record Received(Path temp, long bytes, String sha256) {}

    /** The body ended before its declared length: the client went away or lied. */
    static final class Truncated extends IOException {
        Truncated(String message) {
            super(message);
        }
    }

    private final Path root;
    private final Path incoming;

    ChunkFiles(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.incoming = this.root.resolve(INCOMING);
        Files.createDirectories(incoming);
    }

    Path root() {
        return root;
    }

    /**
     * Streams at most {@code length + 1} bytes of {@code body} to a synced temporary file, hashing on
     * the way; never holds more than one buffer in memory. The caller compares size and hash.
     */
    Received receive(InputStream body, long length) throws IOException {
        Path temp = incoming.resolve(UUID.randomUUID() + ".part");
        MessageDigest sha = sha256();
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (total <= length) {
                int n;
                try {
                    n = body.read(buffer, 0, (int) Math.min(buffer.length, length + 1 - total));
                } catch (IOException e) {
                    throw new Truncated("the upload broke off after " + total + " of " + length + " bytes");
                }
                if (n < 0) {
                    break;
                }
                sha.update(buffer, 0, n);
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                total += n;
            }
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return new Received(temp, total, HexFormat.of().formatHex(sha.digest()));
    }

    /** Moves a received file to its final name atomically and syncs the directories it changed. */
    void commit(Path temp, String relative) throws IOException {
        Path target = resolve(relative);
        createDirectories(target.getParent());
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(target.getParent());
    }

    /** Removes a chunk file and the recording and site directories it leaves empty. */
    void delete(String relative) throws IOException {
        Path file = resolve(relative);
        Files.deleteIfExists(file);
        removeEmpty(file.getParent());
    }

    /** Removes a temporary file that was not committed (no-op once committed). */
    void discard(Path temp) throws IOException {
        Files.deleteIfExists(temp);
    }

    Path resolve(String relative) {
        Path path = root.resolve(relative).normalize();
        if (!path.startsWith(root) || path.startsWith(incoming) || path.equals(root)) {
            throw new IllegalArgumentException("not a chunk path: " + relative);
        }
        return path;
    }

    /** Every chunk file, relative to the root, with '/' separators. */
    List<String> list() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).filter(p -> !p.startsWith(incoming))
                    .forEach(p -> files.add(root.relativize(p).toString().replace('\\', '/')));
        }
        return files;
    }

    /** Removes what interrupted uploads left in the incoming directory; returns how many. */
    int clearIncoming() throws IOException {
        int removed = 0;
        try (Stream<Path> parts = Files.list(incoming)) {
            for (Path part : (Iterable<Path>) parts::iterator) {
                Files.deleteIfExists(part);
                removed++;
            }
        }
        return removed;
    }

    /** Removes empty site and recording directories. */
    void removeEmptyDirectories() throws IOException {
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(root)) {
            dirs = walk.filter(Files::isDirectory).filter(d -> !d.equals(root) && !d.startsWith(incoming))
                    .sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
        }
        for (Path dir : dirs) {
            try {
                Files.deleteIfExists(dir);
            } catch (DirectoryNotEmptyException e) {
                // still holds chunks
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** SHA-256 of a stored file, read in buffers. */
    static String hash(Path file) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Creates missing directories one level at a time, syncing each parent so the new entry survives a crash. */
    private void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return; // another upload made it
        }
        syncDirectory(dir.getParent());
    }

    private void removeEmpty(Path dir) throws IOException {
        for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            try {
                Files.deleteIfExists(d);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            }
        }
    }

    /** fsync on a directory makes a rename or a new entry in it durable (Linux, and other POSIX systems). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
