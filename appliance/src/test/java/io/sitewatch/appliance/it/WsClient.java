package io.sitewatch.appliance.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A recording WebSocket client: a queue of received messages and a close latch. Tests poll, never sleep. */
public final class WsClient implements Session.Listener.AutoDemanding, AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration WAIT = Duration.ofSeconds(10);

    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    /** Messages taken from the inbox while looking for another type, kept in order. */
    private final List<JsonNode> skipped = new ArrayList<>();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    /** Every text frame as received, in order, while {@link #keepTexts} is on: what parsing would lose (1e400). */
    private final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
    public volatile boolean keepTexts;
    public volatile Session session;
    public volatile int closeCode;
    public volatile String closeReason;
    public String sessionId;
    public String resumeToken;
    public JsonNode welcome;

    public static WsClient connect(WebSocketClient client, URI uri) throws Exception {
        return connect(client, uri, Map.of());
    }

    public static WsClient connect(WebSocketClient client, URI uri, Map<String, String> headers) throws Exception {
        WsClient ws = new WsClient();
        ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
        headers.forEach(request::setHeader);
        client.connect(ws, request).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return ws;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
    }

    @Override
    public void onWebSocketText(String message) {
        if (keepTexts) {
            texts.add(message);
        }
        try {
            inbox.add(JSON.readTree(message));
        } catch (Exception e) {
            throw new AssertionError("server sent invalid JSON: " + message, e);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closeCode = statusCode;
        closeReason = reason;
        closedLatch.countDown();
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        // the close callback reports what tests need; errors here are expected (dropped sockets)
    }

    public void sendRaw(String frame) throws Exception {
        Callback.Completable done = new Callback.Completable();
        session.sendText(frame, done);
        done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    public void send(JsonNode message) throws Exception {
        sendRaw(message.toString());
    }

    public void send(String type, Object... fields) throws Exception {
        ObjectNode m = JSON.createObjectNode().put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            m.set((String) fields[i], JSON.valueToTree(fields[i + 1]));
        }
        send(m);
    }

    public void sendBinary(byte[] bytes) throws Exception {
        Callback.Completable done = new Callback.Completable();
        session.sendBinary(ByteBuffer.wrap(bytes), done);
        done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Says hello and waits for welcome (or the error that refuses it). */
    public JsonNode hello(String token) throws Exception {
        return hello(token, null);
    }

    public JsonNode hello(String token, String resume) throws Exception {
        ObjectNode hello = JSON.createObjectNode().put("type", "hello").put("token", token).put("client", "it");
        if (resume != null) {
            hello.put("resume", resume);
        }
        send(hello);
        JsonNode answer = next(m -> m.path("type").asText().matches("welcome|error"));
        if ("welcome".equals(answer.path("type").asText())) {
            welcome = answer;
            sessionId = answer.get("sessionId").asText();
            resumeToken = answer.get("resumeToken").asText();
        }
        return answer;
    }

    /** The next message of this type; other messages are kept for later calls. */
    public JsonNode next(String type) throws InterruptedException {
        return next(m -> type.equals(m.path("type").asText()));
    }

    public JsonNode next(Predicate<JsonNode> wanted) throws InterruptedException {
        for (Iterator<JsonNode> it = skipped.iterator(); it.hasNext(); ) {
            JsonNode m = it.next();
            if (wanted.test(m)) {
                it.remove();
                return m;
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode m = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no matching message within " + WAIT + "; got " + skipped);
            }
            if (wanted.test(m)) {
                return m;
            }
            skipped.add(m);
        }
    }

    /** Everything received so far, without waiting. */
    public List<JsonNode> drain() {
        List<JsonNode> all = new ArrayList<>(skipped);
        skipped.clear();
        inbox.drainTo(all);
        return all;
    }

    /** The text frames received since the last call, exactly as sent (only while {@link #keepTexts} is on). */
    public List<String> takeTexts() {
        List<String> all = new ArrayList<>();
        texts.drainTo(all);
        return all;
    }

    /** Sends a ping and waits for its pong: everything the server sent before is then in the inbox. */
    public List<JsonNode> sync() throws Exception {
        send("ping");
        List<JsonNode> before = new ArrayList<>();
        while (true) {
            JsonNode m = inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("no pong");
            }
            if ("pong".equals(m.path("type").asText())) {
                List<JsonNode> all = new ArrayList<>(skipped);
                skipped.clear();
                all.addAll(before);
                return all;
            }
            before.add(m);
        }
    }

    public int awaitClose() throws InterruptedException {
        if (!closedLatch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("connection not closed within " + WAIT);
        }
        return closeCode;
    }

    public boolean isOpen() {
        return closedLatch.getCount() > 0;
    }

    @Override
    public void close() {
        if (session != null && session.isOpen()) {
            session.close(1000, "bye", Callback.NOOP);
        }
    }

    /** Drops the connection without a close handshake, like a network loss. */
    public void drop() {
        session.disconnect();
    }
}
