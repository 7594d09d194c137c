package io.sitewatch.faults.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test, so a full disk is a real ENOSPC. Mounting needs root (a CI container
 * usually is); where it fails, {@link #mount} says why and the caller falls back to an injected fault.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** @return the mount, or empty with the reason in {@code why[0]} */
    public static Optional<Tmpfs> mount(Path dir, int megabytes, String[] why) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String result = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0700", "tmpfs",
                dir.toString()));
        if (result != null) {
            why[0] = result;
            return Optional.empty();
        }
        return Optional.of(new Tmpfs(dir));
    }

    public Path dir() {
        return dir;
    }

    /** Writes zeros to {@code file} until the file system refuses; returns the bytes written. */
    public long fill(Path file) throws IOException {
        byte[] zeros = new byte[64 * 1024];
        long written = 0;
        try (var out = Files.newOutputStream(file)) {
            while (true) {
                out.write(zeros);
                written += zeros.length;
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        try (var out = new java.io.FileOutputStream(file.toFile(), true)) {
            for (int i = 0; i < 64 * 1024; i++) { // the last partial block
                out.write(0);
                written++;
            }
        } catch (IOException e) {
            // full to the last byte
        }
        return written;
    }

    public long usableBytes() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String failure = run(List.of("umount", dir.toString()));
        if (failure != null) {
            failure = run(List.of("umount", "-l", dir.toString()));
        }
        if (failure != null) {
            throw new IOException("cannot unmount " + dir + ": " + failure);
        }
    }

    /** null when the command succeeded, else its output. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " timed out";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.exitValue() == 0 ? null : String.join(" ", command) + ": exit " + p.exitValue() + " " + out;
    }
}
