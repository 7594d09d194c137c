package io.sitewatch.bench.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Baseline A of the benchmarks: the smallest Jetty 12 WebSocket relay of the appliance's message
 * shape. {@code hello} (any token) gets {@code welcome} with a fresh session id; a message with
 * {@code to} goes to that session with {@code from} set. No auth, permissions, rate limits or
 * presence: what is left is the transport and the JSON, the floor the appliance is measured against.
 * Jetty's defaults are kept (buffers, threads) but for a long idle timeout. {@code /healthz} answers 200 for the start-up probe.
 */
public final class BareRelay {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        Server server = new BareRelay().server(port);
        server.start();
        System.out.println("bare relay listening on http://127.0.0.1:" + port);
        server.join();
    }

    Server server(int port) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            // Its clients send no pings: idle sessions must outlive a slow open of thousands.
            container.setIdleTimeout(Duration.ofMinutes(10));
            container.addMapping("/signal", (request, response, callback) -> new Relay());
        });
        ws.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus("/healthz".equals(Request.getPathInContext(request)) ? 200 : 404);
                callback.succeeded();
                return true;
            }
        });
        server.setHandler(ws);
        return server;
    }

    /** Public: Jetty binds listener methods through method handles. */
    public final class Relay implements Session.Listener.AutoDemanding {
        private Session session;
        private String id;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String frame) {
            ObjectNode message;
            try {
                JsonNode tree = JSON.readTree(frame);
                if (!(tree instanceof ObjectNode object)) {
                    return;
                }
                message = object;
            } catch (Exception e) {
                return;
            }
            if (id == null) {
                if ("hello".equals(message.path("type").asText())) {
                    byte[] raw = new byte[16];
                    ThreadLocalRandom.current().nextBytes(raw);
                    id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                    sessions.put(id, session);
                    session.sendText("{\"type\":\"welcome\",\"sessionId\":\"" + id + "\"}",
                            org.eclipse.jetty.websocket.api.Callback.NOOP);
                }
                return;
            }
            Session target = sessions.get(message.path("to").asText());
            if (target != null) {
                message.put("from", id);
                target.sendText(message.toString(), org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
            callback.succeed();
        }

        /** A broken connection is a client's business; the close that follows cleans up. */
        @Override
        public void onWebSocketError(Throwable cause) {
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
            if (id != null) {
                sessions.remove(id, session);
            }
            callback.succeed();
        }
    }
}
