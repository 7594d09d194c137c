package io.sitewatch.appliance.store;

/** A storage failure the caller can explain to a user. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The disk holding the database is full: nothing of the failed write was kept. A passing condition; the
     * same write succeeds once there is room again.
     */
    public static final class Full extends StoreException {
        public Full(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A row with that key exists already. */
    public static final class Conflict extends StoreException {
        public Conflict(String message) {
            super(message, null);
        }
    }
}
