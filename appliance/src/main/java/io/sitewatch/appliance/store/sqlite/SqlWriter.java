package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only connection that writes. Every write takes one Java lock, so writers queue here instead of
 * meeting SQLITE_BUSY; the lock file keeps other processes away, and busy_timeout covers the odd
 * outside reader (an admin's sqlite3 shell).
 */
final class SqlWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqlWriter.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final SqlConnection connection;
    private final Path wal;
    private final long walLimitBytes;
    private boolean closed;

    SqlWriter(SqlConnection connection, Path databaseFile, long walLimitBytes) {
        this.connection = connection;
        this.wal = databaseFile.resolveSibling(databaseFile.getFileName() + "-wal");
        this.walLimitBytes = walLimitBytes;
    }

    /** Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction; {@code what} completes "cannot ...". */
    <T> T transaction(String what, SqlConnection.Work<T> work) {
        return transaction(what, false, work);
    }

    /**
     * A transaction that is on disk when this returns: the connection runs with NORMAL sync (a crash may
     * lose the last commits), so this commit alone runs with {@code synchronous=FULL}, which syncs the WAL.
     * For writes that an acknowledgement promises to keep (recording chunks).
     */
    <T> T durableTransaction(String what, SqlConnection.Work<T> work) {
        return transaction(what, true, work);
    }

    private <T> T transaction(String what, boolean durable, SqlConnection.Work<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new StoreException("cannot " + what + ": the store is closed", null);
            }
            T result;
            if (durable) {
                connection.execute("PRAGMA synchronous = FULL");
                try {
                    result = inTransaction(work);
                } finally {
                    connection.execute("PRAGMA synchronous = NORMAL");
                }
            } else {
                result = inTransaction(work);
            }
            checkpointIfLarge();
            return result;
        } catch (SQLException e) {
            if (isDiskFull(e)) {
                throw new StoreException.Full("cannot " + what + ": the disk holding the database is full", e);
            }
            throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** SQLITE_FULL: the database or its WAL could not grow (ENOSPC, or max_page_count reached). */
    static boolean isDiskFull(SQLException e) {
        return e instanceof org.sqlite.SQLiteException s
                && (s.getResultCode().code & 0xff) == org.sqlite.SQLiteErrorCode.SQLITE_FULL.code;
    }

    private <T> T inTransaction(SqlConnection.Work<T> work) throws SQLException {
        connection.execute("BEGIN IMMEDIATE");
        boolean committed = false;
        try {
            T result = work.run(connection);
            connection.execute("COMMIT");
            committed = true;
            return result;
        } finally {
            if (!committed) {
                rollback();
            }
        }
    }

    private void rollback() {
        try {
            connection.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite has already rolled back after some errors (e.g. a full disk); nothing is left to undo.
            LOG.debug("rollback: {}", e.getMessage());
        }
    }

    /**
     * SQLite's own auto-checkpoint (PASSIVE, every 1000 pages) stops the WAL from growing without end but
     * never shrinks the file, and one large transaction leaves it large. Truncating once it passes the
     * limit keeps the WAL small on a box whose disk also holds recordings.
     */
    private void checkpointIfLarge() {
        long size;
        try {
            size = Files.size(wal);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.warn("cannot read the size of {}: {}", wal, e.getMessage());
            return;
        }
        if (size > walLimitBytes) {
            checkpoint(false);
        }
    }

    /**
     * The data is committed whatever happens here, so a failed checkpoint is logged, not thrown.
     *
     * @param wait false while serving: a reader on an old snapshot (an admin's sqlite3 shell, a long backup copy)
     *             keeps the WAL from being truncated, and waiting out busy_timeout for it here, under the write
     *             lock, would stall every write behind this one. So the checkpoint copies what it can and gives
     *             up at once; a later commit truncates once the reader is done. true when closing.
     */
    private void checkpoint(boolean wait) {
        try {
            if (wait) {
                connection.queryLong("PRAGMA wal_checkpoint(TRUNCATE)");
                return;
            }
            connection.execute("PRAGMA busy_timeout = 0");
            try {
                connection.queryLong("PRAGMA wal_checkpoint(TRUNCATE)");
            } finally {
                connection.execute("PRAGMA busy_timeout = " + SqlConnection.BUSY_TIMEOUT_MS);
            }
        } catch (SQLException e) {
            LOG.warn("WAL checkpoint failed: {}", e.getMessage());
        }
    }

    /** Checkpoints and closes; later writes fail with "the store is closed". */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            checkpoint(true);
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the database: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
