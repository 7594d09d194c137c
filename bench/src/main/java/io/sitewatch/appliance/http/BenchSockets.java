package io.sitewatch.appliance.http;

import io.sitewatch.appliance.signal.SignalCore;
import java.time.Clock;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;

/**
 * Opens a real {@link SignalSocket} on a Jetty core session whose writes complete at once
 * ({@link CoreSession.Empty}), so a benchmark sees the adapter's outbox accounting without a network
 * (lives in the adapter's package for its package-private constructor).
 */
public final class BenchSockets {

    private BenchSockets() {}

    public static SignalSocket open(SignalCore core, int outboxLimit) {
        SignalSocket socket = new SignalSocket(core, Clock.systemUTC(), outboxLimit, "127.0.0.1:1");
        socket.onOpen(new CoreSession.Empty(), Callback.NOOP);
        return socket;
    }
}
