package io.sitewatch.appliance.signal;

import io.sitewatch.appliance.signal.msg.ErrorCode;
import java.util.Map;

/**
 * What the core reports to the rest of the appliance (metrics, event log, admin stream).
 * Implementations must not block. {@link #event} and {@link #live} are called under the core's
 * monitor, one at a time; {@link #relayed}, {@link #rejected} and {@link #queueDropped} also
 * from the lock-free message path, on many transport threads at once.
 */
public interface SignalObserver {

    /**
     * A meaningful event for operators and admins: one per session change, watch change, control change, link
     * state. {@code detail} is the human line; {@code data} the same facts as fields, so a live view can apply
     * the event to its state without parsing text.
     */
    record Event(String kind, String session, String peer, String detail, Map<String, Object> data) {
        public Event(String kind, String session, String peer, String detail) {
            this(kind, session, peer, detail, Map.of());
        }
    }

    default void relayed(String type) {}

    default void rejected(String type, ErrorCode code) {}

    default void queueDropped() {}

    default void event(Event event) {}

    /** An update only live followers see (link statistics): too frequent to log or store. */
    default void live(Event event) {}

    SignalObserver NONE = new SignalObserver() {};

    /** Reports to each observer in turn. */
    static SignalObserver all(SignalObserver... observers) {
        return new SignalObserver() {
            @Override
            public void relayed(String type) {
                for (SignalObserver o : observers) {
                    o.relayed(type);
                }
            }

            @Override
            public void rejected(String type, ErrorCode code) {
                for (SignalObserver o : observers) {
                    o.rejected(type, code);
                }
            }

            @Override
            public void queueDropped() {
                for (SignalObserver o : observers) {
                    o.queueDropped();
                }
            }

            @Override
            public void event(Event event) {
                for (SignalObserver o : observers) {
                    o.event(event);
                }
            }

            @Override
            public void live(Event event) {
                for (SignalObserver o : observers) {
                    o.live(event);
                }
            }
        };
    }
}
