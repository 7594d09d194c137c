package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.EventLog;
import io.sitewatch.appliance.store.StoredEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends go to a bounded queue that {@link WriteBehind} drains. When the disk cannot keep up the queue
 * fills and new events are dropped and counted: losing a log line is better than stalling signaling.
 */
final class SqliteEvents implements EventLog, WriteBehind.Source {

    private record Pending(long at, String kind, String session, String peer, String detail) {}

    private final SqlWriter writer;
    private final ReadPool readers;
    private final WriteBehind writeBehind;
    private final BlockingDeque<Pending> queue;
    private final int batchSize;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    SqliteEvents(SqlWriter writer, ReadPool readers, WriteBehind writeBehind, int capacity, int batchSize) {
        this.writer = writer;
        this.readers = readers;
        this.writeBehind = writeBehind;
        this.queue = new LinkedBlockingDeque<>(capacity);
        this.batchSize = batchSize;
    }

    @Override
    public void append(Instant at, String kind, String session, String peer, String detail) {
        Objects.requireNonNull(at);
        Objects.requireNonNull(kind);
        if (closed) {
            return;
        }
        if (!queue.offer(new Pending(at.toEpochMilli(), kind, session, peer, detail))) {
            dropped.incrementAndGet();
        } else if (queue.size() >= batchSize) {
            writeBehind.wake();
        }
    }

    @Override
    public List<StoredEvent> list(long afterSeq, Instant since, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return readers.read("list events", c -> {
            PreparedStatement select = c.prepare("SELECT seq, at, kind, session, peer, detail FROM events"
                    + " WHERE seq > ? AND at >= ? ORDER BY seq LIMIT ?");
            select.setLong(1, afterSeq);
            select.setLong(2, since == null ? Long.MIN_VALUE : since.toEpochMilli());
            select.setInt(3, limit);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(new StoredEvent(rows.getLong(1), Instant.ofEpochMilli(rows.getLong(2)),
                            rows.getString(3), rows.getString(4), rows.getString(5), rows.getString(6)));
                }
            }
            return events;
        });
    }

    @Override
    public int prune(Instant before) {
        return writer.transaction("prune events", c -> {
            PreparedStatement delete = c.prepare("DELETE FROM events WHERE at < ?");
            delete.setLong(1, before.toEpochMilli());
            return delete.executeUpdate();
        });
    }

    /** Events dropped because the queue was full or their transaction failed (other than on a full disk). */
    long dropped() {
        return dropped.get();
    }

    /** Appends after this are ignored: the store is closing. */
    void close() {
        closed = true;
    }

    @Override
    public WriteBehind.Batch take() {
        List<Pending> events = new ArrayList<>();
        queue.drainTo(events);
        if (events.isEmpty()) {
            return null;
        }
        return new WriteBehind.Batch() {
            @Override
            public void write(SqlConnection c) throws SQLException {
                PreparedStatement insert = c.prepare(
                        "INSERT INTO events (at, kind, session, peer, detail) VALUES (?, ?, ?, ?, ?)");
                for (Pending event : events) {
                    insert.setLong(1, event.at());
                    insert.setString(2, event.kind());
                    insert.setString(3, event.session());
                    insert.setString(4, event.peer());
                    insert.setString(5, event.detail());
                    insert.addBatch();
                }
                insert.executeBatch();
            }

            @Override
            public void lost() {
                dropped.addAndGet(events.size());
            }

            /** Back to the head of the queue in their order; what no longer fits is dropped and counted. */
            @Override
            public void keep() {
                for (int i = events.size() - 1; i >= 0; i--) {
                    if (!queue.offerFirst(events.get(i))) {
                        dropped.addAndGet(i + 1);
                        return;
                    }
                }
            }
        };
    }
}
