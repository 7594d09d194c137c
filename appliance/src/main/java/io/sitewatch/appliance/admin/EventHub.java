package io.sitewatch.appliance.admin;

import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Fans live events out to admin followers ({@code events --follow}, {@code watch}). Each
 * follower has a bounded queue; one that falls behind is cut off, never the publisher slowed.
 */
public final class EventHub {

    /** One follower's queue; {@link #overflowed()} tells it that it missed events and must reconnect. */
    public static final class Subscription implements AutoCloseable {
        private final BlockingQueue<EventView> queue;
        private final EventHub hub;
        private final boolean wantsLive;
        private volatile boolean overflowed;

        private Subscription(EventHub hub, int capacity, boolean wantsLive) {
            this.hub = hub;
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.wantsLive = wantsLive;
        }

        public BlockingQueue<EventView> queue() {
            return queue;
        }

        public boolean overflowed() {
            return overflowed;
        }

        @Override
        public void close() {
            hub.subscribers.remove(this);
        }
    }

    private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();

    /** With {@code wantsLive}, the follower also gets the live-only updates (link statistics). */
    public Subscription subscribe(int capacity, boolean wantsLive) {
        Subscription subscription = new Subscription(this, capacity, wantsLive);
        subscribers.add(subscription);
        return subscription;
    }

    /** A logged event, for every follower. */
    public void publish(EventView event) {
        publish(event, false);
    }

    /** A live-only update, for the followers that asked for them. */
    public void publishLive(EventView event) {
        publish(event, true);
    }

    private void publish(EventView event, boolean liveOnly) {
        for (Subscription s : subscribers) {
            if (liveOnly && !s.wantsLive) {
                continue;
            }
            if (!s.queue.offer(event)) {
                s.overflowed = true;
                subscribers.remove(s);
            }
        }
    }
}
