package io.sitewatch.appliance.http;

import io.sitewatch.appliance.signal.SignalCore;
import java.lang.reflect.Proxy;
import java.time.Clock;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Opens a real {@link SignalSocket} on a Jetty session whose writes complete at once, so a
 * benchmark sees the adapter's outbox accounting without a network (lives in the adapter's package
 * for its package-private constructor).
 */
public final class BenchSockets {

    private BenchSockets() {}

    public static SignalSocket open(SignalCore core, int outboxLimit) {
        SignalSocket socket = new SignalSocket(core, Clock.systemUTC(), outboxLimit, "127.0.0.1:1");
        socket.onWebSocketOpen(instantSession());
        return socket;
    }

    private static Session instantSession() {
        return (Session) Proxy.newProxyInstance(BenchSockets.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "sendText", "sendPing", "close" -> ((Callback) args[args.length - 1]).succeed();
                        case "isOpen" -> {
                            return true;
                        }
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        case "equals" -> {
                            return proxy == args[0];
                        }
                        case "toString" -> {
                            return "instant session";
                        }
                        default -> {
                            return method.getReturnType() == boolean.class ? Boolean.FALSE
                                    : method.getReturnType().isPrimitive() && method.getReturnType() != void.class
                                    ? 0 : null;
                        }
                    }
                    return null;
                });
    }
}
