package io.sitewatch.appliance.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Sends files as one response body, streamed: a chunk, or a whole recording's chunks one after another. */
public final class FileResponses {

    private FileResponses() {}

    /**
     * Answers 200 with the files' bytes in order; {@code length} is their total, known from the index.
     * A file that disappears meanwhile (pruned) aborts the response, which the client sees as cut short.
     */
    public static void send(Request request, Response response, Callback callback, String contentType,
                            List<Path> files, long length, String cacheControl) {
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, cacheControl);
        if (HttpMethod.HEAD.is(request.getMethod())) {
            response.write(true, null, callback);
            return;
        }
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            for (Path file : files) {
                Files.copy(file, out);
            }
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        callback.succeeded();
    }
}
