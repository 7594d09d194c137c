package io.sitewatch.appliance.store;

import io.sitewatch.appliance.signal.SessionJournal;

/** The appliance's storage, opened once by the composition root and closed last. */
public interface Store extends AutoCloseable {

    SiteRepository sites();

    OperatorRepository operators();

    TokenRepository tokens();

    EventLog events();

    SessionJournal sessions();

    RecordingIndex recordings();

    /** Writes everything that is written behind (events, sessions) and waits until it is on disk. */
    void flush();

    @Override
    void close();
}
