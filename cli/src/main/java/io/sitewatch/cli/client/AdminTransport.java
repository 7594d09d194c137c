package io.sitewatch.cli.client;

import java.io.InputStream;

/** How {@link AdminClient} reaches the admin API: the Unix socket in production, an in-memory fake in unit tests. */
public interface AdminTransport extends AutoCloseable {

    /** A complete answer: its HTTP status and body. */
    record Reply(int status, byte[] body) {}

    /** One request; {@code json} is the request body or null. */
    Reply exchange(String method, String path, byte[] json) throws AdminException;

    /**
     * Opens a response that streams JSON lines and returns once the appliance has answered with 200; a refusal
     * throws. Closing the stream abandons the request. Reads throw {@link java.io.InterruptedIOException} when the
     * reading thread is interrupted.
     */
    InputStream open(String path) throws AdminException;

    /** A long answer's body and its declared length (-1 when not declared). */
    record Body(InputStream stream, long length) {}

    /** Like {@link #open}, for binary answers whose length the caller checks (exports). */
    default Body download(String path) throws AdminException {
        return new Body(open(path), -1);
    }

    @Override
    void close();
}
