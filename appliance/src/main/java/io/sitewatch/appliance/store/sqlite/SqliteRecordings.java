package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.Chunk;
import io.sitewatch.appliance.store.Recording;
import io.sitewatch.appliance.store.RecordingIndex;
import io.sitewatch.appliance.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The chunk index. Writes are durable transactions: an upload is acknowledged only after its row is on
 * disk. Each recording row keeps totals of its chunks, so listings and quotas never scan chunks.
 */
final class SqliteRecordings implements RecordingIndex {

    private static final String RECORDING = "id, site_id, mime_type, started_at, ended_at, chunks, bytes, "
            + "first_seq, last_seq";
    private static final String CHUNK = "recording_id, seq, site_id, started_at, duration_ms, bytes, sha256, "
            + "mime_type, path, stored_at";
    private static final String OVERLAPPING = "SELECT " + RECORDING + " FROM recordings"
            + " WHERE started_at < ? AND ended_at > ?";

    private final SqlWriter writer;
    private final ReadPool readers;

    SqliteRecordings(SqlWriter writer, ReadPool readers) {
        this.writer = writer;
        this.readers = readers;
    }

    @Override
    public List<Recording> list(Set<String> siteIds, Instant since, Instant until, int limit) {
        String sql = siteIds == null ? OVERLAPPING + " ORDER BY started_at LIMIT ?"
                : OVERLAPPING + " AND site_id IN (SELECT value FROM json_each(?)) ORDER BY started_at LIMIT ?";
        return readers.read("list recordings", c -> {
            PreparedStatement select = c.prepare(sql);
            int i = 1;
            select.setLong(i++, until.toEpochMilli());
            select.setLong(i++, since.toEpochMilli());
            if (siteIds != null) {
                select.setString(i++, Json.write(siteIds));
            }
            select.setInt(i, limit);
            List<Recording> recordings = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    recordings.add(recording(rows));
                }
            }
            return recordings;
        });
    }

    @Override
    public Optional<Recording> recording(String id) {
        return readers.read("find recording '" + id + "'", c -> {
            PreparedStatement select = c.prepare("SELECT " + RECORDING + " FROM recordings WHERE id = ?");
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(recording(row)) : Optional.empty();
            }
        });
    }

    @Override
    public List<Chunk> chunks(String recordingId) {
        return readers.read("list the chunks of recording '" + recordingId + "'", c -> {
            PreparedStatement select = c.prepare("SELECT " + CHUNK + " FROM chunks WHERE recording_id = ? ORDER BY seq");
            select.setString(1, recordingId);
            return chunkList(select);
        });
    }

    @Override
    public Optional<Chunk> chunk(String recordingId, int seq) {
        return readers.read("find chunk " + recordingId + "/" + seq, c -> {
            PreparedStatement select = c.prepare("SELECT " + CHUNK + " FROM chunks WHERE recording_id = ? AND seq = ?");
            select.setString(1, recordingId);
            select.setInt(2, seq);
            List<Chunk> found = chunkList(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
    }

    @Override
    public boolean add(Chunk chunk) {
        return writer.durableTransaction("index chunk " + chunk.key(), c -> {
            PreparedStatement exists = c.prepare("SELECT 1 FROM chunks WHERE recording_id = ? AND seq = ?");
            exists.setString(1, chunk.recordingId());
            exists.setInt(2, chunk.seq());
            try (ResultSet row = exists.executeQuery()) {
                if (row.next()) {
                    return false;
                }
            }
            PreparedStatement owner = c.prepare("SELECT site_id FROM recordings WHERE id = ?");
            owner.setString(1, chunk.recordingId());
            try (ResultSet row = owner.executeQuery()) {
                if (row.next() && !row.getString(1).equals(chunk.siteId())) {
                    throw new StoreException.Conflict("recording " + chunk.recordingId() + " belongs to another site");
                }
            }
            upsertRecording(c, chunk);
            PreparedStatement insert = c.prepare("INSERT INTO chunks (" + CHUNK + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            insert.setString(1, chunk.recordingId());
            insert.setInt(2, chunk.seq());
            insert.setString(3, chunk.siteId());
            insert.setLong(4, chunk.startedAt().toEpochMilli());
            insert.setLong(5, chunk.durationMs());
            insert.setLong(6, chunk.bytes());
            insert.setString(7, chunk.sha256());
            insert.setString(8, chunk.mimeType());
            insert.setString(9, chunk.path());
            insert.setLong(10, chunk.storedAt().toEpochMilli());
            insert.executeUpdate();
            return true;
        });
    }

    private static void upsertRecording(SqlConnection c, Chunk chunk) throws SQLException {
        PreparedStatement upsert = c.prepare("INSERT INTO recordings (" + RECORDING + ")"
                + " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                + " started_at = min(started_at, excluded.started_at), ended_at = max(ended_at, excluded.ended_at),"
                + " chunks = chunks + 1, bytes = bytes + excluded.bytes,"
                + " first_seq = min(first_seq, excluded.first_seq), last_seq = max(last_seq, excluded.last_seq)");
        upsert.setString(1, chunk.recordingId());
        upsert.setString(2, chunk.siteId());
        upsert.setString(3, chunk.mimeType());
        upsert.setLong(4, chunk.startedAt().toEpochMilli());
        upsert.setLong(5, chunk.endedAt().toEpochMilli());
        upsert.setLong(6, chunk.bytes());
        upsert.setInt(7, chunk.seq());
        upsert.setInt(8, chunk.seq());
        upsert.executeUpdate();
    }

    @Override
    public void remove(List<Chunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        writer.durableTransaction("remove " + chunks.size() + " chunks", c -> {
            PreparedStatement delete = c.prepare("DELETE FROM chunks WHERE recording_id = ? AND seq = ?");
            Set<String> recordings = new LinkedHashSet<>();
            for (Chunk chunk : chunks) {
                delete.setString(1, chunk.recordingId());
                delete.setInt(2, chunk.seq());
                delete.addBatch();
                recordings.add(chunk.recordingId());
            }
            delete.executeBatch();
            PreparedStatement totals = c.prepare("UPDATE recordings SET started_at = t.s, ended_at = t.e, chunks = t.n,"
                    + " bytes = t.b, first_seq = t.f, last_seq = t.l FROM (SELECT min(started_at) AS s,"
                    + " max(started_at + duration_ms) AS e, count(*) AS n, sum(bytes) AS b, min(seq) AS f,"
                    + " max(seq) AS l FROM chunks WHERE recording_id = ?1) AS t WHERE id = ?1 AND t.n > 0");
            PreparedStatement empty = c.prepare("DELETE FROM recordings WHERE id = ?1"
                    + " AND NOT EXISTS (SELECT 1 FROM chunks WHERE recording_id = ?1)");
            for (String id : recordings) {
                totals.setString(1, id);
                totals.executeUpdate();
                empty.setString(1, id);
                empty.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public long siteBytes(String siteId) {
        return readers.read("sum the recordings of site '" + siteId + "'", c -> {
            PreparedStatement sum = c.prepare("SELECT coalesce(sum(bytes), 0) FROM recordings WHERE site_id = ?");
            sum.setString(1, siteId);
            try (ResultSet row = sum.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    @Override
    public long totalBytes() {
        return readers.read("sum the recordings", c -> {
            try (ResultSet row = c.prepare("SELECT coalesce(sum(bytes), 0) FROM recordings").executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    @Override
    public List<Chunk> oldest(Chunk after, int limit) {
        return readers.read("list the oldest chunks", c -> {
            PreparedStatement select;
            if (after == null) {
                select = c.prepare("SELECT " + CHUNK + " FROM chunks ORDER BY started_at, recording_id, seq LIMIT ?");
                select.setInt(1, limit);
            } else {
                select = c.prepare("SELECT " + CHUNK + " FROM chunks WHERE (started_at, recording_id, seq) > (?, ?, ?)"
                        + " ORDER BY started_at, recording_id, seq LIMIT ?");
                select.setLong(1, after.startedAt().toEpochMilli());
                select.setString(2, after.recordingId());
                select.setInt(3, after.seq());
                select.setInt(4, limit);
            }
            return chunkList(select);
        });
    }

    private static List<Chunk> chunkList(PreparedStatement select) throws SQLException {
        List<Chunk> chunks = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                chunks.add(new Chunk(rows.getString(1), rows.getInt(2), rows.getString(3),
                        Instant.ofEpochMilli(rows.getLong(4)), rows.getLong(5), rows.getLong(6), rows.getString(7),
                        rows.getString(8), rows.getString(9), Instant.ofEpochMilli(rows.getLong(10))));
            }
        }
        return chunks;
    }

    private static Recording recording(ResultSet row) throws SQLException {
        return new Recording(row.getString(1), row.getString(2), row.getString(3), Instant.ofEpochMilli(row.getLong(4)),
                Instant.ofEpochMilli(row.getLong(5)), row.getInt(6), row.getLong(7), row.getInt(8), row.getInt(9));
    }
}
