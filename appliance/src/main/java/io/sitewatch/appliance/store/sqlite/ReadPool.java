package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.StoreException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A few read connections. In WAL mode readers never wait for the writer, so an admin listing thousands of
 * sites does not hold up a hello; each connection keeps its own prepared statements.
 */
final class ReadPool implements AutoCloseable {

    private final int size;
    private final BlockingQueue<SqlConnection> idle;
    private volatile boolean closed;

    private ReadPool(List<SqlConnection> connections) {
        this.size = connections.size();
        this.idle = new ArrayBlockingQueue<>(size, false, connections);
    }

    static ReadPool open(Path file, int size) throws SQLException {
        List<SqlConnection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                connections.add(SqlConnection.openReader(file));
            }
        } catch (SQLException e) {
            for (SqlConnection connection : connections) {
                connection.close();
            }
            throw e;
        }
        return new ReadPool(connections);
    }

    /**
     * Runs {@code work} on an idle connection; {@code what} completes "cannot ...". Work must close its
     * result sets: an open one holds a read snapshot, which hides newer commits and stalls checkpoints.
     */
    <T> T read(String what, SqlConnection.Work<T> work) {
        SqlConnection connection = borrow(what);
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
        } finally {
            idle.add(connection);
        }
    }

    private SqlConnection borrow(String what) {
        try {
            while (true) {
                if (closed) {
                    throw new StoreException("cannot " + what + ": the store is closed", null);
                }
                // A bounded wait, so a reader that arrives during close() notices and gives up.
                SqlConnection connection = idle.poll(100, TimeUnit.MILLISECONDS);
                if (connection != null) {
                    return connection;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("cannot " + what + ": interrupted", e);
        }
    }

    /** Waits for reads in progress, then closes every connection. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (int i = 0; i < size; i++) {
                idle.take().close();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot close a read connection: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while closing the database", e);
        }
    }
}
