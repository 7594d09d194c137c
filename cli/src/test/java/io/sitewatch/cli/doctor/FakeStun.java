package io.sitewatch.cli.doctor;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A STUN server on 127.0.0.1 that answers every Binding request with the sender's XOR-MAPPED-ADDRESS. */
final class FakeStun implements AutoCloseable {

    private final DatagramSocket socket;

    FakeStun() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(this::serve, "fake-stun");
        thread.setDaemon(true);
        thread.start();
    }

    String url() {
        return "stun:127.0.0.1:" + socket.getLocalPort();
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                byte[] transaction = Arrays.copyOfRange(buffer, 8, 20);
                byte[] ip = packet.getAddress().getAddress();
                byte[] cookie = ByteBuffer.allocate(4).putInt(StunProbe.MAGIC_COOKIE).array();
                ByteBuffer answer = ByteBuffer.allocate(32).putShort(StunProbe.BINDING_SUCCESS).putShort((short) 12)
                        .putInt(StunProbe.MAGIC_COOKIE).put(transaction)
                        .putShort(StunProbe.XOR_MAPPED_ADDRESS).putShort((short) 8).put((byte) 0).put((byte) 1)
                        .putShort((short) (packet.getPort() ^ (StunProbe.MAGIC_COOKIE >>> 16)));
                for (int i = 0; i < 4; i++) {
                    answer.put((byte) (ip[i] ^ cookie[i]));
                }
                socket.send(new DatagramPacket(answer.array(), 32, packet.getSocketAddress()));
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        socket.close(); // ends the receive, and with it the thread
    }
}
