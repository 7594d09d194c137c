package io.sitewatch.cli.client;

/** A failure talking to the admin API, worded for the person at the terminal. */
public class AdminException extends Exception {

    public AdminException(String message) {
        super(message);
    }

    /** No appliance answers on the data directory's admin socket. */
    public static final class NotRunning extends AdminException {
        public NotRunning(String message) {
            super(message);
        }
    }

    /** The socket's permissions keep this user out. */
    public static final class Denied extends AdminException {
        public Denied(String message) {
            super(message);
        }
    }

    /** The appliance refused the request (unknown site, bad arguments, ...). */
    public static final class Refused extends AdminException {
        private final int status;
        private final String code;

        public Refused(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }
}
