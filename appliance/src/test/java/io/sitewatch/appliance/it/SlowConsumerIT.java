package io.sitewatch.appliance.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.signal.SignalViews.SessionView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading (design.md, Signaling core: a slow consumer is dropped): its outbox is
 * bounded in characters as well as frames, and once it overflows the connection is dropped at once,
 * not closed politely behind a queue the client will never read.
 */
class SlowConsumerIT {

    private static final int OUTBOX_FRAMES = 1024;
    /** Offers the site may send at once without being rate limited (signal.rate-burst). */
    private static final int RATE_BURST = 400;

    @Test
    void aClientThatStopsReadingIsDisconnectedBeforeItsOutboxHoldsMegabytes(@TempDir Path dir) throws Exception {
        WebSocketClient ws = new WebSocketClient();
        ws.start();
        try (TestAppliance app = TestAppliance.start(dir, Map.of("http.tls", "false",
                "http.outbox", String.valueOf(OUTBOX_FRAMES)));
             WsClient site = WsClient.connect(ws, app.signal());
             Socket reader = new Socket()) {
            site.hello(app.site("w1"));
            reader.setReceiveBufferSize(4096);
            reader.connect(new InetSocketAddress(app.signal().getHost(), app.signal().getPort()));
            InputStream in = reader.getInputStream();
            String upgrade = "GET /signal HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
            reader.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
            readUntil(in, "\r\n\r\n");
            reader.getOutputStream().write(masked("{\"type\":\"hello\",\"token\":\"" + app.operator("ann") + "\"}"));
            reader.getOutputStream().write(masked("{\"type\":\"watch\",\"sites\":[\"w1\"]}"));
            JsonNode joined = site.next("watcher");
            String ann = joined.get("peer").get("sessionId").asText();
            // ann reads nothing from here on

            String offer = "{\"type\":\"offer\",\"to\":\"" + ann + "\",\"sdp\":\"" + "a".repeat(32 * 1024) + "\"}";
            int sent = 0;
            while (connected(app, ann) && sent < RATE_BURST) {
                site.sendRaw(offer);
                sent++;
            }
            assertThat(connected(app, ann)).as("dropped after %d offers", sent).isFalse();
            assertThat(sent).as("offers before the drop: the character bound came first").isLessThan(OUTBOX_FRAMES);

            reader.setSoTimeout(10_000);
            byte[] rest = in.readAllBytes(); // ends at the server's FIN: no close handshake to wait for
            assertThat(rest.length).isGreaterThan(0);
            assertThat(site.drain()).noneMatch(m -> "error".equals(m.path("type").asText()));
        } finally {
            ws.stop();
        }
    }

    private static boolean connected(TestAppliance app, String sessionId) {
        return app.appliance.core().sessions().stream().filter(s -> s.sessionId().equals(sessionId))
                .anyMatch(SessionView::connected);
    }

    private static void readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith(end)) {
            head.write(in.read());
        }
        assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
    }

    /** A text frame with the all-zero mask (valid, and leaves the payload as is). */
    private static byte[] masked(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        }
        frame.writeBytes(new byte[4]);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }
}
