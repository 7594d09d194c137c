package io.sitewatch.appliance.signal;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the core keeps what must survive a restart (protocol.md, Reconnect): sessions,
 * watch sets, rooms and control. Calls return at once and the store writes behind, except
 * {@link #control}.
 */
public interface SessionJournal {

    /** What a session is, without its connection. The resume token is kept only as a hash. */
    record SessionRecord(String sessionId, String resumeHash, Identity identity, Set<String> watching,
                         Set<String> rooms) {}

    record Snapshot(List<SessionRecord> sessions, Map<String, String> control) {}

    void save(SessionRecord session);

    void delete(String sessionId);

    /**
     * Records who controls a site; a null primary clears it. Returns once the change, and every call made
     * before it, would survive a crash of the appliance: the core announces control right after (the store
     * logs a write it cannot make and goes on, so a failing disk never stops a claim).
     */
    void control(String siteId, String primarySessionId);

    Snapshot load();

    SessionJournal NONE = new SessionJournal() {
        @Override
        public void save(SessionRecord session) {}

        @Override
        public void delete(String sessionId) {}

        @Override
        public void control(String siteId, String primarySessionId) {}

        @Override
        public Snapshot load() {
            return new Snapshot(List.of(), Map.of());
        }
    };
}
