package io.sitewatch.cli.doctor;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * One STUN Binding request over UDP (RFC 8489, section 6): does the server answer, and as which address does it
 * see this box. A request is 20 bytes and the answer needs one attribute, so this is written out here rather than
 * pulling in an ICE stack.
 */
final class StunProbe {

    static final int MAGIC_COOKIE = 0x2112A442;
    static final short BINDING_REQUEST = 0x0001;
    static final short BINDING_SUCCESS = 0x0101;
    static final short XOR_MAPPED_ADDRESS = 0x0020;
    static final short MAPPED_ADDRESS = 0x0001;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** @param mappedAddress how the server saw us, e.g. {@code 203.0.113.7:53211}, if it said */
    record Answer(Duration roundTrip, Optional<String> mappedAddress) {}

    private StunProbe() {}

    /** {@code stun:host[:port]} (or {@code turn:}) to host and port; the default port is 3478. */
    static InetSocketAddress parse(String url) {
        String rest = url.substring(url.indexOf(':') + 1);
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        String host = rest;
        int port = 3478;
        int colon = rest.lastIndexOf(':');
        if (colon > 0 && !rest.endsWith("]")) {
            host = rest.substring(0, colon);
            port = Integer.parseInt(rest.substring(colon + 1));
        }
        return InetSocketAddress.createUnresolved(host.replace("[", "").replace("]", ""), port);
    }

    /**
     * Sends the request up to {@code tries} times, waiting {@code wait} for each answer.
     *
     * @return the answer, or empty when none came
     * @throws UnknownHostException when the name does not resolve (offline, or no DNS)
     */
    static Optional<Answer> probe(InetSocketAddress server, Duration wait, int tries) throws IOException {
        InetAddress address = InetAddress.getByName(server.getHostString());
        byte[] transaction = new byte[12];
        RANDOM.nextBytes(transaction);
        ByteBuffer request = ByteBuffer.allocate(20).putShort(BINDING_REQUEST).putShort((short) 0)
                .putInt(MAGIC_COOKIE).put(transaction);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout((int) wait.toMillis());
            for (int i = 0; i < tries; i++) {
                long start = System.nanoTime();
                socket.send(new DatagramPacket(request.array(), 20, address, server.getPort()));
                byte[] buffer = new byte[1500];
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    while (true) {
                        socket.receive(packet);
                        Optional<Optional<String>> mapped = parse(buffer, packet.getLength(), transaction);
                        if (mapped.isPresent()) {
                            return Optional.of(new Answer(Duration.ofNanos(System.nanoTime() - start), mapped.get()));
                        }
                    }
                } catch (SocketTimeoutException e) {
                    // try again, or give up after the last try
                }
            }
        }
        return Optional.empty();
    }

    /** Empty unless this is a success answer to our transaction; then the mapped address if it carries one. */
    static Optional<Optional<String>> parse(byte[] data, int length, byte[] transaction) {
        if (length < 20) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(data, 0, length);
        short type = in.getShort();
        int bodyLength = in.getShort() & 0xffff;
        if (type != BINDING_SUCCESS || in.getInt() != MAGIC_COOKIE || 20 + bodyLength > length
                || !Arrays.equals(Arrays.copyOfRange(data, 8, 20), transaction)) {
            return Optional.empty();
        }
        in.position(20);
        Optional<String> mapped = Optional.empty();
        while (in.remaining() >= 4) {
            int attribute = in.getShort() & 0xffff;
            int size = in.getShort() & 0xffff;
            if (size > in.remaining()) {
                break;
            }
            byte[] value = new byte[size];
            in.get(value);
            in.position(Math.min(in.limit(), in.position() + (4 - size % 4) % 4)); // attributes are 32-bit aligned
            if (attribute == XOR_MAPPED_ADDRESS) {
                return Optional.of(address(value, true, transaction));
            }
            if (attribute == MAPPED_ADDRESS) {
                mapped = address(value, false, transaction);
            }
        }
        return Optional.of(mapped);
    }

    private static Optional<String> address(byte[] value, boolean xor, byte[] transaction) {
        if (value.length < 8) {
            return Optional.empty();
        }
        int port = ((value[2] & 0xff) << 8 | value[3] & 0xff) ^ (xor ? MAGIC_COOKIE >>> 16 : 0);
        byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transaction).array();
        int size = value[1] == 0x01 ? 4 : 16;
        if (value.length < 4 + size) {
            return Optional.empty();
        }
        byte[] ip = new byte[size];
        for (int i = 0; i < size; i++) {
            ip[i] = (byte) (value[4 + i] ^ (xor ? mask[i] : 0));
        }
        try {
            String host = InetAddress.getByAddress(ip).getHostAddress();
            return Optional.of(size == 4 ? host + ":" + port : "[" + host + "]:" + port);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
