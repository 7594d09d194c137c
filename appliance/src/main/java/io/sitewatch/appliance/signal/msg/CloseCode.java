package io.sitewatch.appliance.signal.msg;

/** WebSocket close codes the server uses (protocol.md, section Errors). */
public enum CloseCode {
    NORMAL(1000),
    SHUTDOWN(1001),
    BINARY(1003),
    BAD_UTF8(1007),
    TOO_LARGE(1009),
    /** The client read too slowly and its outbox filled; it may resume. */
    SLOW_CONSUMER(1013),
    UNAUTHORIZED(4001),
    REPLACED(4002),
    RATE_LIMITED(4008);

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
