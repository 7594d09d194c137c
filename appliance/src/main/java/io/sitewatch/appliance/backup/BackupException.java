package io.sitewatch.appliance.backup;

/** A backup that cannot be written or restored, worded for the admin. */
public final class BackupException extends Exception {

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
