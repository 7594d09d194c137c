package io.sitewatch.appliance;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The data directory's size and its file system's room, for {@code sitewatch status}. Walking the directory costs
 * a moment once recordings pile up and the shell asks for the status after every command, so a measure is reused
 * for a few seconds.
 */
final class DiskUsage {

    record Figures(long usedBytes, long freeBytes, long totalBytes) {}

    private static final Duration REUSE = Duration.ofSeconds(10);

    private final Path dir;
    private final Clock clock;
    private Figures last;
    private Instant measuredAt = Instant.MIN;

    DiskUsage(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    synchronized Figures measure() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(measuredAt.plus(REUSE))) {
            last = new Figures(size(dir), free(dir, FileStore::getUsableSpace), free(dir, FileStore::getTotalSpace));
            measuredAt = now;
        }
        return last;
    }

    private interface StoreFigure {
        long of(FileStore store) throws IOException;
    }

    private static long free(Path dir, StoreFigure figure) {
        try {
            return figure.of(Files.getFileStore(dir));
        } catch (IOException e) {
            return -1;
        }
    }

    /** Regular files only; files that vanish or cannot be read while walking are skipped. */
    private static long size(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return -1;
        }
        return total[0];
    }
}
