package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.signal.Identity;
import io.sitewatch.appliance.signal.Role;
import io.sitewatch.appliance.signal.SessionJournal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The session journal, written behind except for control (see {@link #control}). Pending writes are coalesced
 * by key, so a session that changes its watch set a hundred times between passes costs one row write, and memory
 * stays bounded by the number of sessions. A pass refused by a full disk is kept for the next one; any other
 * failed pass loses its batch, and the next change of each session writes it again.
 */
final class SqliteJournal implements SessionJournal, WriteBehind.Source {

    private static final String UPSERT = "INSERT OR REPLACE INTO sessions (id, resume_hash, role, subject, name,"
            + " credential_id, grp, groups, watching, rooms, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final ReadPool readers;
    private final WriteBehind writeBehind;
    private final Clock clock;
    private final Object lock = new Object();
    private Map<String, SessionRecord> saves = new HashMap<>();
    private Set<String> deletes = new HashSet<>();
    /** Site -> primary session; a null value clears the site's row. */
    private Map<String, String> control = new HashMap<>();
    private boolean closed;

    SqliteJournal(ReadPool readers, WriteBehind writeBehind, Clock clock) {
        this.readers = readers;
        this.writeBehind = writeBehind;
        this.clock = clock;
    }

    @Override
    public void save(SessionRecord session) {
        synchronized (lock) {
            if (!closed) {
                deletes.remove(session.sessionId());
                saves.put(session.sessionId(), session);
            }
        }
    }

    /** Cancels a pending save; the delete itself is still written, for a row saved in an earlier pass. */
    @Override
    public void delete(String sessionId) {
        synchronized (lock) {
            if (!closed) {
                saves.remove(sessionId);
                deletes.add(sessionId);
            }
        }
    }

    /**
     * Written through, not behind: the core tells the site and its watchers who is primary as soon as this
     * returns, so a crash right after must not lose it. The write carries the journal's other pending changes
     * too, among them the primary's own session and watch set, without which the restore would drop the control
     * again. Control changes are human actions (a claim, a release, a primary leaving), so this is one small
     * commit now and then, never one per message.
     */
    @Override
    public void control(String siteId, String primarySessionId) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            control.put(siteId, primarySessionId);
        }
        writeBehind.writeThrough(this);
    }

    /** Writes what is pending first, so the snapshot includes every call made before this one. */
    @Override
    public Snapshot load() {
        writeBehind.flush();
        return readers.read("load saved sessions", c -> {
            List<SessionRecord> sessions = new ArrayList<>();
            try (ResultSet rows = c.prepare("SELECT * FROM sessions ORDER BY id").executeQuery()) {
                while (rows.next()) {
                    sessions.add(session(rows));
                }
            }
            Map<String, String> primaries = new LinkedHashMap<>();
            try (ResultSet rows = c.prepare("SELECT site, session FROM control ORDER BY site").executeQuery()) {
                while (rows.next()) {
                    primaries.put(rows.getString(1), rows.getString(2));
                }
            }
            return new Snapshot(sessions, primaries);
        });
    }

    /** Calls after this are ignored: the store is closing. */
    void close() {
        synchronized (lock) {
            closed = true;
        }
    }

    @Override
    public WriteBehind.Batch take() {
        Map<String, SessionRecord> saved;
        Set<String> deleted;
        Map<String, String> controlled;
        synchronized (lock) {
            if (saves.isEmpty() && deletes.isEmpty() && control.isEmpty()) {
                return null;
            }
            saved = saves;
            deleted = deletes;
            controlled = control;
            saves = new HashMap<>();
            deletes = new HashSet<>();
            control = new HashMap<>();
        }
        long now = clock.millis();
        // A session id is in saved or in deleted, never both, so the order of the two does not matter.
        return new WriteBehind.Batch() {
            @Override
            public void write(SqlConnection c) throws SQLException {
                writeDeletes(c, deleted);
                writeSaves(c, saved.values(), now);
                writeControl(c, controlled);
            }

            @Override
            public void keep() {
                restore(saved, deleted, controlled);
            }
        };
    }

    /** Puts a batch the full disk refused back under what is pending: a change made since then wins. */
    private void restore(Map<String, SessionRecord> saved, Set<String> deleted, Map<String, String> controlled) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            saved.forEach((id, session) -> {
                if (!saves.containsKey(id) && !deletes.contains(id)) {
                    saves.put(id, session);
                }
            });
            for (String id : deleted) {
                if (!saves.containsKey(id)) {
                    deletes.add(id);
                }
            }
            controlled.forEach((site, primary) -> {
                if (!control.containsKey(site)) {
                    control.put(site, primary);
                }
            });
        }
    }

    private static void writeDeletes(SqlConnection c, Set<String> ids) throws SQLException {
        PreparedStatement delete = c.prepare("DELETE FROM sessions WHERE id = ?");
        for (String id : ids) {
            delete.setString(1, id);
            delete.addBatch();
        }
        delete.executeBatch();
    }

    private static void writeSaves(SqlConnection c, Iterable<SessionRecord> sessions, long now) throws SQLException {
        PreparedStatement upsert = c.prepare(UPSERT);
        for (SessionRecord session : sessions) {
            Identity identity = session.identity();
            upsert.setString(1, session.sessionId());
            upsert.setString(2, session.resumeHash());
            upsert.setString(3, identity.role().name());
            upsert.setString(4, identity.id());
            upsert.setString(5, identity.name());
            upsert.setString(6, identity.credentialId());
            upsert.setString(7, identity.group());
            upsert.setString(8, Json.write(identity.groups()));
            upsert.setString(9, Json.write(orEmpty(session.watching())));
            upsert.setString(10, Json.write(orEmpty(session.rooms())));
            upsert.setLong(11, now);
            upsert.addBatch();
        }
        upsert.executeBatch();
    }

    /** A null set must not fail the pass: that would lose every event and session batched with it. */
    private static Set<String> orEmpty(Set<String> names) {
        return names == null ? Set.of() : names;
    }

    private static void writeControl(SqlConnection c, Map<String, String> primaries) throws SQLException {
        PreparedStatement set = c.prepare("INSERT OR REPLACE INTO control (site, session) VALUES (?, ?)");
        PreparedStatement clear = c.prepare("DELETE FROM control WHERE site = ?");
        for (Map.Entry<String, String> entry : primaries.entrySet()) {
            if (entry.getValue() == null) {
                clear.setString(1, entry.getKey());
                clear.addBatch();
            } else {
                set.setString(1, entry.getKey());
                set.setString(2, entry.getValue());
                set.addBatch();
            }
        }
        clear.executeBatch();
        set.executeBatch();
    }

    private static SessionRecord session(ResultSet row) throws SQLException {
        String id = row.getString("subject");
        String credential = row.getString("credential_id");
        Identity identity = Role.valueOf(row.getString("role")) == Role.SITE
                ? Identity.site(id, row.getString("name"), credential, row.getString("grp"))
                : Identity.operator(id, credential, Json.read(row.getString("groups")));
        return new SessionRecord(row.getString("id"), row.getString("resume_hash"), identity,
                Json.read(row.getString("watching")), Json.read(row.getString("rooms")));
    }
}
