package io.sitewatch.cli.loadtest;

import java.net.URI;
import java.util.Optional;

/**
 * How one signaling server is spoken to, as far as a load test needs: opening a session, sending a relayed
 * message to a peer, and reading what arrives. One implementation per server (sitewatch's protocol, or a
 * baseline relay in a benchmark), so the same generator measures them all alike.
 */
public interface Dialect {

    /** Who a simulated peer is: the name the server knows it by and its credential (either may be unused). */
    record Identity(String name, String credential) {}

    /** The WebSocket URI a peer opens, from the server's base URI ({@code ws://127.0.0.1:8080}). */
    URI endpoint(URI base, Identity who);

    /** The first frame a peer sends once connected (sitewatch's {@code hello}); empty when there is none. */
    Optional<String> hello(Identity who);

    /** True for servers that send nothing to confirm a session: the peer is ready once connected. */
    default boolean readyOnConnect() {
        return false;
    }

    /** A frame relaying {@code probe} (a candidate line, see {@link Probe}) to the peer at {@code address}. */
    String relay(String address, String probe);

    /** What an incoming frame means to the generator. */
    Event read(String frame);

    /** An incoming frame, classified. */
    sealed interface Event {
        /** The session is ready; {@code address} is what others use to reach it (e.g. its sessionId). */
        record Ready(String address) implements Event {}

        /** A relayed message: who sent it and the candidate line it carried. */
        record Relayed(String from, String probe) implements Event {}

        /** The server refused something; {@code code} names why (e.g. {@code rate-limited}). */
        record Failed(String code) implements Event {}

        /** Anything else: its type and, where the dialect knows one, the one detail worth keeping. */
        record Other(String type, String detail) implements Event {}
    }
}
