package io.sitewatch.appliance.recording;

/** An upload or request the archive refuses, with a reason the HTTP layer maps to a status. */
public final class RecordingException extends RuntimeException {

    /** Why; each surface maps these to its own answer. */
    public enum Reason {
        /** Malformed or out-of-range metadata, or a body that does not match its size or hash. */
        INVALID,
        /** The recording belongs to another site. */
        FORBIDDEN,
        NOT_FOUND,
        /** The same recording id and seq hold a different chunk. */
        CONFLICT,
        TOO_LARGE,
        /** Too many uploads from this site at once; retry shortly. */
        BUSY,
        QUOTA_EXCEEDED,
        DISK_FULL
    }

    private final Reason reason;

    public RecordingException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
