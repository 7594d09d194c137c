package io.sitewatch.faults.admin;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run as another user (under {@code setpriv}) to see what that user can do with the admin surface:
 * {@code socket PATH} asks the admin socket for its status, {@code read PATH} reads a file. Prints one line,
 * {@code ok ...} or {@code denied ...}; no dependencies, so it runs from a bare copy of its class file.
 */
public final class SocketProbe {

    private SocketProbe() {}

    public static void main(String[] args) {
        try {
            if ("socket".equals(args[0])) {
                System.out.println("ok " + status(Path.of(args[1])));
            } else {
                System.out.println("ok read " + Files.readAllBytes(Path.of(args[1])).length + " bytes");
            }
        } catch (IOException e) {
            System.out.println("denied " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static String status(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /v1/status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(64);
            channel.read(answer);
            String text = new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
            return text.lines().findFirst().orElse("(no answer)");
        }
    }
}
