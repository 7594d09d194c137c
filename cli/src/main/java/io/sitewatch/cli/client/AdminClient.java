package io.sitewatch.cli.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.io.Transport;

/** The CLI's only way to the appliance: the admin API on the Unix socket in the data directory. */
public final class AdminClient implements AutoCloseable {

    public static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final long TIMEOUT_SECONDS = 30;
    /** Large enough for the tokens of an import of tens of thousands of sites. */
    private static final int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

    private final Path socket;
    private final HttpClient http = new HttpClient();

    public AdminClient(Path socket) throws AdminException {
        this.socket = socket;
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

    public <T> T get(String path, TypeReference<T> type) throws AdminException {
        return read(send(request("GET", path)), type);
    }

    public <T> T get(String path, Class<T> type) throws AdminException {
        return JSON.convertValue(get(path, new TypeReference<JsonNode>() {}), type);
    }

    public <T> T post(String path, Object body, Class<T> type) throws AdminException {
        return JSON.convertValue(read(send(withBody(request("POST", path), body)), new TypeReference<JsonNode>() {}),
                type);
    }

    public <T> T post(String path, Object body, TypeReference<T> type) throws AdminException {
        return read(send(withBody(request("POST", path), body)), type);
    }

    public <T> T patch(String path, Object body, Class<T> type) throws AdminException {
        return JSON.convertValue(read(send(withBody(request("PATCH", path), body)), new TypeReference<JsonNode>() {}),
                type);
    }

    public void delete(String path) throws AdminException {
        read(send(request("DELETE", path)), new TypeReference<JsonNode>() {});
    }

    /** Reads a stream of JSON lines until the appliance closes it or the thread is interrupted. */
    public void stream(String path, Consumer<JsonNode> onLine) throws AdminException {
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request("GET", path).send(listener);
        try {
            Response response = listener.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (response.getStatus() != 200) {
                throw new AdminException("the appliance answered " + response.getStatus());
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(listener.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.isBlank()) {
                        onLine.accept(JSON.readTree(line));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException | IOException e) {
            throw failure(e);
        }
    }

    /** A long answer's body (an export, a verify) and its declared length (-1 if not declared). */
    public record Download(java.io.InputStream body, long length) {}

    /** Opens a long answer: no overall time limit, only an idle one, so an export of any size completes. */
    public Download open(String path) throws AdminException {
        InputStreamResponseListener listener = new InputStreamResponseListener();
        http.newRequest("http://localhost" + path).method("GET").transport(new Transport.TCPUnix(socket))
                .idleTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).send(listener);
        try {
            Response response = listener.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (response.getStatus() != 200) {
                try (java.io.InputStream in = listener.getInputStream()) {
                    JsonNode error = JSON.readTree(in.readNBytes(64 * 1024));
                    throw new AdminException.Refused(response.getStatus(), error.path("error").asText("error"),
                            error.path("message").asText(response.getReason()));
                }
            }
            return new Download(listener.getInputStream(),
                    response.getHeaders().getLongField(org.eclipse.jetty.http.HttpHeader.CONTENT_LENGTH));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        } catch (TimeoutException | ExecutionException | IOException e) {
            throw failure(e);
        }
    }

    private Request request(String method, String path) {
        return http.newRequest("http://localhost" + path).method(method).transport(new Transport.TCPUnix(socket))
                .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static Request withBody(Request request, Object body) throws AdminException {
        try {
            return request.body(new BytesRequestContent("application/json", JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new AdminException("cannot encode request: " + e.getMessage());
        }
    }

    private ContentResponse send(Request request) throws AdminException {
        try {
            return new CompletableResponseListener(request, MAX_RESPONSE_BYTES).send()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        } catch (TimeoutException | ExecutionException e) {
            throw failure(e);
        }
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

    private static <T> T read(ContentResponse response, TypeReference<T> type) throws AdminException {
        try {
            if (response.getStatus() / 100 != 2) {
                JsonNode error = JSON.readTree(response.getContent());
                throw new AdminException.Refused(response.getStatus(), error.path("error").asText("error"),
                        error.path("message").asText(response.getReason()));
            }
            return JSON.readValue(response.getContent(), type);
        } catch (IOException e) {
            throw new AdminException("unexpected answer from the appliance (" + response.getStatus() + ")");
        }
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // nothing left to do on the way out
        }
    }
}
