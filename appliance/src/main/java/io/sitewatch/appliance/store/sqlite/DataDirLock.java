package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a second appliance off a data directory: an OS file lock on {@code <dataDir>/sitewatch.lock},
 * held until {@link #close()}. The OS releases it when the process dies, so a crash leaves no stale lock.
 */
public final class DataDirLock implements AutoCloseable {

    static final String FILE_NAME = "sitewatch.lock";

    /**
     * Directories this JVM has locked. The lock is a POSIX record lock, owned by the process: a second
     * attempt from this JVM must be refused without opening the file again, because closing any channel
     * on it would silently drop the lock we hold.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private DataDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks the directory (creating it if needed) or throws {@link StoreException} if another appliance has it. */
    public static DataDirLock acquire(Path dataDir) {
        Path dir;
        try {
            Files.createDirectories(dataDir);
            dir = dataDir.toRealPath();
        } catch (IOException e) {
            throw new StoreException("cannot use data directory " + dataDir + ": " + e.getMessage(), e);
        }
        if (!HELD.add(dir)) {
            throw refused(dir);
        }
        try {
            return lock(dir);
        } catch (RuntimeException e) {
            HELD.remove(dir);
            throw e;
        }
    }

    private static DataDirLock lock(Path dir) {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("cannot create the lock file in " + dir + ": " + e.getMessage(), e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new DataDirLock(dir, channel, lock);
            }
            closeQuietly(channel);
            throw refused(dir);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw refused(dir);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException("cannot lock " + dir.resolve(FILE_NAME) + ": " + e.getMessage(), e);
        }
    }

    private static StoreException refused(Path dir) {
        return new StoreException("another sitewatch appliance is running on " + dir, null);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was locked through this channel; there is nothing to undo.
        }
    }

    public Path directory() {
        return dir;
    }

    /** Releases the lock; the lock file stays, since deleting it would race with the next appliance. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new StoreException("cannot release the lock on " + dir + ": " + e.getMessage(), e);
        } finally {
            HELD.remove(dir);
        }
    }
}
