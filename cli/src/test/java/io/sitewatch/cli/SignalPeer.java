package io.sitewatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sitewatch.cli.client.AdminClient;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A site or operator on the signaling WebSocket, as the apps would be: enough to make the admin views move. */
public final class SignalPeer implements Session.Listener.AutoDemanding, AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private volatile Session session;
    public String sessionId;

    /** Connects and says hello with the token; returns once welcomed. */
    public static SignalPeer join(WebSocketClient client, String baseUrl, String token) throws Exception {
        SignalPeer peer = new SignalPeer();
        client.connect(peer, URI.create(baseUrl.replaceFirst("^http", "ws") + "/signal"))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        peer.send("hello", "token", token);
        JsonNode welcome = peer.next("welcome");
        peer.sessionId = welcome.get("sessionId").asText();
        return peer;
    }

    @Override
    public void onWebSocketOpen(Session opened) {
        this.session = opened;
    }

    @Override
    public void onWebSocketText(String message) {
        try {
            inbox.add(AdminClient.JSON.readTree(message));
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + message, e);
        }
    }

    public void send(String type, Object... fields) throws Exception {
        ObjectNode m = AdminClient.JSON.createObjectNode().put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            m.set((String) fields[i], AdminClient.JSON.valueToTree(fields[i + 1]));
        }
        Callback.Completable sent = new Callback.Completable();
        session.sendText(m.toString(), sent);
        sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The next message of this type; others are dropped. */
    public JsonNode next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode m = inbox.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && type.equals(m.path("type").asText())) {
                return m;
            }
        }
        throw new AssertionError("no " + type + " within " + WAIT);
    }

    /** Sends a ping and waits for its pong: the server has handled everything sent before. */
    public void sync() throws Exception {
        send("ping");
        next("pong");
    }

    @Override
    public void close() {
        if (session != null && session.isOpen()) {
            session.close(1000, "bye", Callback.NOOP);
        }
    }
}
