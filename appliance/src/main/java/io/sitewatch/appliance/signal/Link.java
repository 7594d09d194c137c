package io.sitewatch.appliance.signal;

/**
 * One client connection as the core sees it; the transport implements it. Every method
 * returns at once: the core calls them while it owns the signaling state, and {@link #send}
 * also from several threads at once (relays are sent outside the core's monitor).
 */
public interface Link {

    /** Queues a text frame; false when the outbox is full (the client reads too slowly). */
    boolean send(String frame);

    /** Starts a close handshake with this code. */
    void close(int code, String reason);

    /** Drops the connection without a handshake (the peer is silent or gone). */
    void abort();

    /** Sends a WebSocket ping frame. */
    void ping();

    /** Clock millis of the latest frame received, pong frames included. */
    long lastActivity();

    /** The client's address, for logs and the admin views. */
    String remoteAddress();
}
