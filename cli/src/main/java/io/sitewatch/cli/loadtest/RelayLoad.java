package io.sitewatch.cli.loadtest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Relays probes round-robin over a fixed set of routes; driven by one {@link Pacer} thread. */
public final class RelayLoad {

    /** One direction of a pair: {@code from} sends to the peer at address {@code to}. */
    public record Route(Peer from, String to) {}

    private final Route[] routes;
    private int next;
    private long seq;

    public RelayLoad(List<Route> routes) {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("no routes to relay over");
        }
        this.routes = routes.toArray(Route[]::new);
    }

    public int routes() {
        return routes.length;
    }

    /** Sends the next probe (not thread-safe: one pacing thread calls this). */
    public void sendNext() {
        Route route = routes[next];
        next = next + 1 == routes.length ? 0 : next + 1;
        route.from().relay(route.to(), seq++);
    }

    /** This load at {@code perSecond} messages per second, for a {@link Pacer}. */
    public Pacer.Paced at(double perSecond) {
        return new Pacer.Paced(perSecond, this::sendNext);
    }

    /**
     * Waits until every probe sent has arrived, at most {@code grace}; returns how many are still missing
     * (lost, or slower than the grace).
     */
    public static long drain(Tally tally, Duration grace, BooleanSupplier stop) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (tally.receivedCount() < tally.sentCount() && System.nanoTime() < deadline && !stop.getAsBoolean()) {
            LockSupport.parkNanos(2_000_000);
        }
        return Math.max(0, tally.sentCount() - tally.receivedCount());
    }
}
