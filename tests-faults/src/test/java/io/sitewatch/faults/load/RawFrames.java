package io.sitewatch.faults.load;

import io.sitewatch.appliance.it.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Just enough of RFC 6455 for clients on raw sockets: the upgrade, masked text frames, reading a frame. */
final class RawFrames {

    private static final byte[] ZERO_MASK = new byte[4];

    private RawFrames() {}

    static void upgrade(URI uri, DataInputStream in, OutputStream out) throws IOException {
        String request = "GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            head.write(in.readUnsignedByte());
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.toString(StandardCharsets.US_ASCII).lines().findFirst());
        }
    }

    /** A masked text frame; the all-zero mask is valid and keeps the payload as is, so frames can be reused. */
    static byte[] text(byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 8);
        f.write(0x81);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >> 8);
            f.write(payload.length);
        }
        f.writeBytes(ZERO_MASK);
        f.writeBytes(payload);
        return f.toByteArray();
    }

    static byte[] text(String payload) {
        return text(payload.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame; the stream must not end before it. */
    static RawWebSocket.Frame read(DataInputStream in) throws IOException {
        RawWebSocket.Frame frame = RawWebSocket.readFrame(in);
        if (frame == null) {
            throw new java.io.EOFException("connection ended");
        }
        return frame;
    }
}
