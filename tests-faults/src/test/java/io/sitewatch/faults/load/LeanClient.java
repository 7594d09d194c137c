package io.sitewatch.faults.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A signaling client for load: no inbox, every message after {@code welcome} goes straight to a
 * listener on Jetty's thread, sends never wait. One instance is one connection.
 */
public final class LeanClient implements Session.Listener.AutoDemanding {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration WAIT = Duration.ofSeconds(10);

    /** What the test does with the messages; called on Jetty's threads, one connection at a time. */
    public interface Listener {
        void message(LeanClient client, JsonNode message, long receivedNanos);

        /** The {@code welcome}, before any later message of the connection reaches {@link #message}. */
        default void welcomed(LeanClient client, JsonNode welcome) {}

        default void closed(LeanClient client, int code) {}
    }

    public final String name;
    private final Listener listener;
    private final CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile Session session;
    public volatile String sessionId;
    public volatile String resumeToken;

    private LeanClient(String name, Listener listener) {
        this.name = name;
        this.listener = listener;
    }

    public static LeanClient connect(WebSocketClient client, URI uri, String name, Listener listener)
            throws Exception {
        LeanClient lean = new LeanClient(name, listener);
        client.connect(lean, uri).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return lean;
    }

    /** Says hello (resuming when {@code resume} is set) and returns {@code welcome}, or fails with the refusal. */
    public JsonNode hello(String token, String resume) throws Exception {
        ObjectNode hello = JSON.createObjectNode().put("type", "hello").put("token", token).put("client", name);
        if (resume != null) {
            hello.put("resume", resume);
        }
        send(hello.toString());
        JsonNode reply = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (!"welcome".equals(reply.path("type").asText())) {
            throw new IllegalStateException(name + " refused: " + reply);
        }
        sessionId = reply.get("sessionId").asText();
        resumeToken = reply.get("resumeToken").asText();
        return reply;
    }

    /** Queues a frame; on a connection that is gone it is lost, as it would be for a real client. */
    public void send(String frame) {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.sendText(frame, Callback.NOOP);
        }
    }

    /** Ends the session on purpose (close 1000). */
    public void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(1000, "bye", Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
    }

    @Override
    public void onWebSocketText(String text) {
        long now = System.nanoTime();
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(name + ": the server sent invalid JSON: " + text, e);
        }
        if (!answer.isDone()) {
            if ("welcome".equals(message.path("type").asText())) {
                listener.welcomed(this, message);
            }
            answer.complete(message);
            return;
        }
        listener.message(this, message, now);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        finish(statusCode);
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        finish(1006);
    }

    private void finish(int code) {
        if (closed.complete(code)) {
            answer.complete(JSON.createObjectNode().put("type", "closed").put("code", code));
            listener.closed(this, code);
        }
    }
}
