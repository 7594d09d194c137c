package io.sitewatch.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.io.Transport;

/** HTTP over the admin socket in the data directory, with failures worded for the person at the terminal. */
public final class SocketTransport implements AdminTransport {

    private static final long TIMEOUT_SECONDS = 30;
    /** Large enough for the tokens of an import of tens of thousands of sites. */
    private static final int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

    private final Path socket;
    private final HttpClient http = new HttpClient();

    public SocketTransport(Path socket) throws AdminException {
        this.socket = socket;
        Path dir = socket.toAbsolutePath().getParent();
        if (Files.isDirectory(dir) && !Files.isExecutable(dir)) {
            throw new AdminException.Denied("permission denied on " + dir
                    + " (run as the appliance's user, or as a member of its group)");
        }
        if (!Files.exists(socket)) {
            throw new AdminException.NotRunning("the appliance is not running (no admin socket at " + socket
                    + "); start it with 'sitewatch serve' or pass the right --data-dir");
        }
        if (!Files.isReadable(socket) || !Files.isWritable(socket)) {
            throw new AdminException.Denied("permission denied on " + socket
                    + " (run as the appliance's user, or as a member of its group)");
        }
        try {
            http.start();
        } catch (Exception e) {
            throw new AdminException("cannot start the admin client: " + e.getMessage());
        }
    }

    @Override
    public Reply exchange(String method, String path, byte[] json) throws AdminException {
        Request request = request(method, path).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (json != null) {
            request.body(new BytesRequestContent("application/json", json));
        }
        try {
            ContentResponse response = new CompletableResponseListener(request, MAX_RESPONSE_BYTES).send()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Reply(response.getStatus(), response.getContent());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        } catch (TimeoutException | ExecutionException e) {
            throw failure(e);
        }
    }

    @Override
    public InputStream open(String path) throws AdminException {
        return download(path).stream();
    }

    @Override
    public Body download(String path) throws AdminException {
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request("GET", path).send(listener);
        try {
            Response response = listener.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            InputStream in = listener.getInputStream();
            if (response.getStatus() != 200) {
                byte[] body = in.readAllBytes();
                in.close();
                throw AdminClient.refusal(new Reply(response.getStatus(), body));
            }
            return new Body(in, response.getHeaders().getLongField(org.eclipse.jetty.http.HttpHeader.CONTENT_LENGTH));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        } catch (TimeoutException | ExecutionException | IOException e) {
            throw failure(e);
        }
    }

    private Request request(String method, String path) {
        return http.newRequest("http://localhost" + path).method(method).transport(new Transport.TCPUnix(socket));
    }

    private AdminException failure(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ConnectException) {
            return new AdminException.NotRunning("the appliance is not running (nothing listens on " + socket + ")");
        }
        if (cause instanceof AccessDeniedException || String.valueOf(cause.getMessage()).contains("Permission denied")) {
            return new AdminException.Denied("permission denied on " + socket);
        }
        if (cause instanceof TimeoutException) {
            return new AdminException("the appliance did not answer within " + TIMEOUT_SECONDS + " s");
        }
        return new AdminException("cannot talk to the appliance: " + cause.getMessage());
    }

    /** Also after Ctrl-C: stopping waits for the client's threads, which an interrupted thread would give up on. */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            http.stop();
        } catch (Exception e) {
            // nothing left to do on the way out
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
