package io.sitewatch.faults.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * Looks at a data directory from outside, as an auditor would: the database opened read-only, the chunk files
 * on disk. Hashes of files already checked are remembered by path and size, so repeated checks stay cheap.
 */
public final class StoreCheck {

    /** One indexed chunk. */
    public record Row(String recordingId, int seq, long bytes, String sha256, String path) {}

    /** What one check found; {@code problems} empty means the index and the files agree. */
    public record Result(String integrity, int userVersion, Map<String, Row> rows, List<String> problems,
                         long walBytes) {
        public Row chunk(String recordingId, int seq) {
            return rows.get(recordingId + "/" + seq);
        }
    }

    private final Path dataDir;
    private final Map<String, String> hashed = new HashMap<>();

    public StoreCheck(Path dataDir) {
        this.dataDir = dataDir;
    }

    public Path database() {
        return dataDir.resolve("sitewatch.db");
    }

    public static Connection readOnly(Path database) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        return config.createConnection("jdbc:sqlite:" + database.toAbsolutePath());
    }

    /** integrity_check, schema version, and every chunk row against its file and every file against a row. */
    public Result run() throws SQLException, IOException {
        String integrity;
        int version;
        Map<String, Row> rows = new HashMap<>();
        List<String> problems = new ArrayList<>();
        try (Connection c = readOnly(database()); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
                List<String> lines = new ArrayList<>();
                while (r.next()) {
                    lines.add(r.getString(1));
                }
                integrity = String.join("; ", lines);
            }
            try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
                version = r.getInt(1);
            }
            if (version >= 3) {
                readChunks(s, rows, problems);
            }
        }
        Path root = dataDir.resolve("recordings");
        Map<String, Long> files = new HashMap<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    String relative = root.relativize(p).toString();
                    if (relative.startsWith(".incoming/")) {
                        problems.add("an unfinished upload was left in place: " + relative);
                    } else {
                        files.put(relative, Files.size(p));
                    }
                }
            }
        }
        for (Row row : rows.values()) {
            Long size = files.get(row.path());
            if (size == null) {
                problems.add("row " + row.recordingId() + "/" + row.seq() + " has no file " + row.path());
            } else if (size != row.bytes()) {
                problems.add(row.path() + " has " + size + " bytes, its row " + row.bytes());
            } else if (!row.sha256().equals(hash(root.resolve(row.path()), size))) {
                problems.add(row.path() + " does not match the sha256 of its row");
            }
        }
        java.util.Set<String> indexed = new java.util.HashSet<>();
        rows.values().forEach(r -> indexed.add(r.path()));
        files.keySet().stream().filter(f -> !indexed.contains(f)).forEach(f -> problems.add("file without a row: " + f));
        Path wal = dataDir.resolve("sitewatch.db-wal");
        return new Result(integrity, version, rows, problems, Files.exists(wal) ? Files.size(wal) : 0);
    }

    private static void readChunks(Statement s, Map<String, Row> rows, List<String> problems) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT recording_id, seq, bytes, sha256, path FROM chunks")) {
            while (r.next()) {
                Row row = new Row(r.getString(1), r.getInt(2), r.getLong(3), r.getString(4), r.getString(5));
                rows.put(row.recordingId() + "/" + row.seq(), row);
            }
        }
        // Each recording's summary columns agree with its chunks.
        try (ResultSet r = s.executeQuery("SELECT r.id, r.chunks, r.bytes, count(c.seq), coalesce(sum(c.bytes), 0)"
                + " FROM recordings r LEFT JOIN chunks c ON c.recording_id = r.id GROUP BY r.id")) {
            while (r.next()) {
                if (r.getLong(2) != r.getLong(4) || r.getLong(3) != r.getLong(5)) {
                    problems.add("recording " + r.getString(1) + " says " + r.getLong(2) + " chunks/" + r.getLong(3)
                            + " bytes, its chunks are " + r.getLong(4) + "/" + r.getLong(5));
                }
            }
        }
    }

    private String hash(Path file, long size) throws IOException {
        String key = file + "#" + size;
        String known = hashed.get(key);
        if (known == null) {
            known = sha256(file);
            hashed.put(key, known);
        }
        return known;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
