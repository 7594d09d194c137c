package io.sitewatch.appliance.signal.msg;

/** Error codes of protocol.md, section Errors. Only {@link #UNAUTHORIZED} closes the connection. */
public enum ErrorCode {
    UNAUTHORIZED("unauthorized"),
    BAD_MESSAGE("bad-message"),
    UNKNOWN_TYPE("unknown-type"),
    UNKNOWN_PEER("unknown-peer"),
    FORBIDDEN("forbidden"),
    RATE_LIMITED("rate-limited"),
    ROOM_FULL("room-full"),
    TOO_LARGE("too-large");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
