package io.sitewatch.appliance;

import io.sitewatch.appliance.admin.EventHub;
import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import io.sitewatch.appliance.signal.SignalObserver;
import io.sitewatch.appliance.store.EventLog;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each meaningful event (signaling, recordings): one log line, one row in the event log, one message to
 * followers. Live-only updates (link statistics) go to the followers that asked for them and nowhere else.
 */
final class EventRecorder implements SignalObserver {

    private static final Logger LOG = LoggerFactory.getLogger("sitewatch.events");

    private final EventLog log;
    private final EventHub hub;
    private final Clock clock;

    EventRecorder(EventLog log, EventHub hub, Clock clock) {
        this.log = log;
        this.hub = hub;
        this.clock = clock;
    }

    @Override
    public void event(Event event) {
        record(event.kind(), event.session(), event.peer(), event.detail(), event.data());
    }

    @Override
    public void live(Event event) {
        hub.publishLive(new EventView(0, clock.instant(), event.kind(), event.session(), event.peer(),
                event.detail(), event.data()));
    }

    /** An event no session caused, e.g. from the recordings archive. */
    void record(String kind, String detail) {
        record(kind, null, null, detail, Map.of());
    }

    private void record(String kind, String session, String peer, String detail, Map<String, Object> data) {
        Instant now = clock.instant();
        LOG.info("{}: {}", kind, detail);
        log.append(now, kind, session, peer, detail);
        hub.publish(new EventView(0, now, kind, session, peer, detail, data));
    }
}
