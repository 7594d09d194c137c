package io.sitewatch.appliance;

import io.sitewatch.appliance.admin.EventHub;
import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import io.sitewatch.appliance.signal.SignalObserver;
import io.sitewatch.appliance.store.EventLog;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each meaningful signaling event: one log line, one row in the event log, one message to followers. Live-only
 * updates (link statistics) go to the followers that asked for them and nowhere else.
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
        Instant now = clock.instant();
        LOG.info("{}: {}", event.kind(), event.detail());
        log.append(now, event.kind(), event.session(), event.peer(), event.detail());
        hub.publish(new EventView(0, now, event.kind(), event.session(), event.peer(), event.detail(),
                event.data()));
    }

    @Override
    public void live(Event event) {
        hub.publishLive(new EventView(0, clock.instant(), event.kind(), event.session(), event.peer(),
                event.detail(), event.data()));
    }
}
