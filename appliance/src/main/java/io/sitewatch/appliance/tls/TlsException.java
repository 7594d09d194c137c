package io.sitewatch.appliance.tls;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** TLS material could not be loaded or created; the message names the file and is meant for an admin. */
public class TlsException extends Exception {

    public TlsException(String message) {
        super(message);
    }

    public TlsException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The reason part of a message: the JDK's file exceptions carry only the path, which the caller already names. */
    static String reason(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        Throwable cause = e.getCause();
        if (e.getMessage() == null && cause != null) {
            return reason(cause);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
