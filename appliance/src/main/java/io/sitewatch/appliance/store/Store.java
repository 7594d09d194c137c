package io.sitewatch.appliance.store;

import io.sitewatch.appliance.signal.SessionJournal;

/** The appliance's storage, opened once by the composition root and closed last. */
public interface Store extends AutoCloseable {

    SiteRepository sites();

    OperatorRepository operators();

    TokenRepository tokens();

    RoomRepository rooms();

    GroupRepository groups();

    EventLog events();

    SessionJournal sessions();

    RecordingIndex recordings();

    /** The whole registry as it is now. */
    default RegistryData registry() {
        return new RegistryData(groups().list(), sites().list(), operators().list(), tokens().list(), rooms().list());
    }

    /** Replaces the whole registry in one transaction (a standby mirroring its primary). */
    void replaceRegistry(RegistryData registry);

    /** Writes everything that is written behind (events, sessions) and waits until it is on disk. */
    void flush();

    /**
     * Writes a consistent copy of the whole database to {@code target} (which must not exist) while the
     * appliance keeps serving: what an online backup stores.
     */
    void snapshot(java.nio.file.Path target);

    /** The database's own consistency check: empty when it is sound, else what is wrong. */
    java.util.List<String> integrityProblems();

    @Override
    void close();
}
