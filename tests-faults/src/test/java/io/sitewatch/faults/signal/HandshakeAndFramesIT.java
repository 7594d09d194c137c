package io.sitewatch.faults.signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.it.RawWebSocket;
import io.sitewatch.appliance.it.TestAppliance;
import io.sitewatch.appliance.it.WsClient;
import io.sitewatch.faults.Figures;
import io.sitewatch.faults.LogWatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phase 3 of the reliability campaign (issue 10): the handshake and the frame layer. Origin variants get 101 or
 * 403 as protocol.md's Transport says; requests that are not a valid upgrade get an HTTP error, never a session;
 * oversized (also after decompression), binary, badly fragmented and invalid frames get the contract's close codes
 * (1009, 1003, 1007; RFC 6455's 1002 for protocol violations the contract leaves to the RFC). Compression bombs
 * leave the heap as it was.
 */
class HandshakeAndFramesIT {

    static final int LIMIT = 64 * 1024;

    @TempDir
    Path dataDir;
    @TempDir
    Path otherDir;
    TestAppliance app;
    WebSocketClient ws;
    final Figures figures = Figures.of("phase3-frames");
    final Map<String, Integer> statuses = new LinkedHashMap<>();
    LogWatch log;

    @BeforeEach
    void start() throws Exception {
        app = TestAppliance.start(dataDir, Map.of("http.tls", "false", "http.allowed-origins", "https://wall.example"));
        ws = new WebSocketClient();
        ws.start();
        log = LogWatch.start();
    }

    @AfterEach
    void stop() throws Exception {
        ws.stop();
        app.close();
    }

    @Test
    void handshakesAndFramesGetTheContractsCodesAndBombsLeaveTheHeapAlone() throws Exception {
        long started = System.nanoTime();
        String siteToken = Provision.site(app, "s9", "g9");
        origins();
        brokenUpgrades();
        frames(siteToken);
        bombs(siteToken);
        stillServes(siteToken);

        List<String> problems = log.report(figures);
        figures.put("seconds", (System.nanoTime() - started) / 1_000_000_000.0).report();
        assertThat(problems).as("unhandled exceptions in the appliance log").isEmpty();
    }

    // ---- handshake ----

    String hostPort() {
        return app.signal().getHost() + ":" + app.signal().getPort();
    }

    /** protocol.md, Transport: Origin absent, own or configured passes; any other present Origin is 403. */
    void origins() throws Exception {
        String own = "http://" + hostPort();
        int port = app.signal().getPort();
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put(null, 101);
        cases.put(own, 101);
        cases.put(own.toUpperCase(), 101);
        cases.put("https://wall.example", 101);
        cases.put("https://WALL.example", 101);
        cases.put("https://wall.example:443", 101);
        cases.put("null", 403);
        cases.put("", 403);
        cases.put("https://evil.example", 403);
        cases.put("https://" + hostPort(), 403);
        cases.put("http://127.0.0.1:" + (port == 1 ? 2 : 1), 403);
        cases.put("http://127.0.0.1", 403);
        cases.put("http://localhost:" + port, 403);
        cases.put(own + ".evil.example", 403);
        cases.put("http://127.0.0.1.evil.example:" + port, 403);
        cases.put("http://evil.example@" + hostPort(), 403);
        cases.put("http://" + hostPort() + "@evil.example", 403);
        cases.put(own + "/path", 403);
        cases.put("file://", 403);
        cases.put("https://wall.example.evil.example", 403);
        cases.put("https://wall.example:8443", 403);
        cases.put("http://wall.example", 403);
        cases.put("https://xn--wal-wall.example", 403);
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            String origin = c.getKey() == null ? "" : "Origin: " + c.getKey() + "\r\n";
            String status = handshake(upgrade("GET", "HTTP/1.1", origin + key() + version()));
            assertThat(status).as("Origin %s", c.getKey()).startsWith("HTTP/1.1 " + c.getValue());
            figures.add("origins", 1);
        }
    }

    /** A request to /signal that is not a valid WebSocket upgrade is an HTTP error, never a session. */
    void brokenUpgrades() throws Exception {
        String host = "Host: " + hostPort() + "\r\n";
        List<String> requests = List.of(
                "GET /signal HTTP/1.1\r\n" + host + "\r\n",
                "GET /signal HTTP/1.1\r\n" + host + "Connection: Upgrade\r\n" + key() + version() + "\r\n",
                "GET /signal HTTP/1.1\r\n" + host + "Upgrade: websocket\r\n" + key() + version() + "\r\n",
                "GET /signal HTTP/1.1\r\n" + host + "Upgrade: h2c\r\nConnection: Upgrade\r\n" + key() + version() + "\r\n",
                upgrade("GET", "HTTP/1.1", version()),
                upgrade("GET", "HTTP/1.1", "Sec-WebSocket-Key: short\r\n" + version()),
                upgrade("GET", "HTTP/1.1", key()),
                upgrade("GET", "HTTP/1.1", key() + "Sec-WebSocket-Version: 8\r\n"),
                upgrade("GET", "HTTP/1.1", key() + "Sec-WebSocket-Version: banana\r\n"),
                upgrade("POST", "HTTP/1.1", key() + version() + "Content-Length: 0\r\n"),
                upgrade("GET", "HTTP/1.0", key() + version()),
                upgrade("GET", "HTTP/1.1", key() + version() + "Origin: https://evil.example\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
        List<String> upgraded = new ArrayList<>();
        for (String request : requests) {
            String status = handshake(request);
            int code = Integer.parseInt(status.split(" ")[1]);
            statuses.merge(status.split(" ", 3)[1], 1, Integer::sum);
            if (code < 400 || code > 499) {
                upgraded.add(status + " for " + request.replace("\r\n", " | "));
            }
            figures.add("brokenUpgrades", 1);
        }
        figures.put("brokenUpgradeStatuses", statuses.toString().replace(" ", ""));
        assertThat(upgraded).as("broken upgrades that did not get a 4xx").isEmpty();
    }

    String upgrade(String method, String protocol, String headers) {
        return method + " /signal " + protocol + "\r\nHost: " + hostPort() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n" + headers + "\r\n";
    }

    static String key() {
        return "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    }

    static String version() {
        return "Sec-WebSocket-Version: 13\r\n";
    }

    /** Sends one raw request and returns the response's status line. */
    String handshake(String request) throws IOException {
        URI uri = app.signal();
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout((int) WsClient.WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                line.write(b);
            }
            return line.toString(StandardCharsets.ISO_8859_1).strip();
        }
    }

    // ---- frames ----

    /** One frame case: what to send on a fresh upgraded socket (after hello if {@code welcomed}), the close code. */
    record FrameCase(String name, boolean welcomed, int code, List<byte[]> writes) {}

    void frames(String siteToken) throws Exception {
        List<FrameCase> cases = new ArrayList<>();
        byte[] atLimit = ping(LIMIT);
        byte[] overLimit = ping(LIMIT + 1);
        for (boolean welcomed : List.of(false, true)) {
            cases.add(new FrameCase("text over 64 KiB", welcomed, 1009, List.of(frame(0x81, overLimit))));
            cases.add(new FrameCase("fragments over 64 KiB", welcomed, 1009, fragments(overLimit, 3)));
            cases.add(new FrameCase("length says 2^40", welcomed, 1009, List.of(header(0x81, 1L << 40))));
            cases.add(new FrameCase("binary", welcomed, 1003, List.of(frame(0x82, new byte[] {1, 2, 3}))));
            cases.add(new FrameCase("empty binary", welcomed, 1003, List.of(frame(0x82, new byte[0]))));
            cases.add(new FrameCase("fragmented binary", welcomed, 1003,
                    List.of(frame(0x02, new byte[] {1}), frame(0x80, new byte[] {2}))));
            cases.add(new FrameCase("invalid UTF-8 split over fragments", welcomed, 1007,
                    List.of(frame(0x01, new byte[] {'{', '"', (byte) 0xE2}), frame(0x80, new byte[] {0x28, '"', '}'}))));
            cases.add(new FrameCase("UTF-8 cut at the end", welcomed, 1007,
                    List.of(frame(0x81, new byte[] {'{', '"', (byte) 0xF0, (byte) 0x9F, (byte) 0x98}))));
            cases.add(new FrameCase("continuation without a start", welcomed, 1002, List.of(frame(0x80, ping(0)))));
            cases.add(new FrameCase("new text inside a fragmented one", welcomed, 1002,
                    List.of(frame(0x01, new byte[] {'{'}), frame(0x81, ping(0)))));
            cases.add(new FrameCase("fragmented ping", welcomed, 1002, List.of(frame(0x09, new byte[] {1}))));
            cases.add(new FrameCase("ping over 125 bytes", welcomed, 1002, List.of(frame(0x89, new byte[126]))));
            cases.add(new FrameCase("reserved opcode", welcomed, 1002, List.of(frame(0x83, new byte[] {1}))));
            cases.add(new FrameCase("rsv bits without an extension", welcomed, 1002, List.of(frame(0xF1, ping(0)))));
            cases.add(new FrameCase("unmasked", welcomed, 1002, List.of(unmasked(ping(0)))));
        }
        for (FrameCase c : cases) {
            try (RawWebSocket raw = RawWebSocket.open(app.signal())) {
                if (c.welcomed()) {
                    raw.sendText(("{\"type\":\"hello\",\"token\":\"" + siteToken + "\"}").getBytes(StandardCharsets.UTF_8));
                }
                for (byte[] bytes : c.writes()) {
                    raw.write(bytes);
                }
                assertThat(closeCode(raw)).as("%s%s", c.name(), c.welcomed() ? " after welcome" : "").isEqualTo(c.code());
            }
            figures.add("frames", 1);
        }
        // At the limit, in one frame or in many, with pings between the fragments: a message like any other.
        for (List<byte[]> writes : List.of(List.of(frame(0x81, atLimit)), fragments(atLimit, 7),
                interleavePing(fragments(ping(100), 4)))) {
            try (RawWebSocket raw = RawWebSocket.open(app.signal())) {
                raw.sendText(("{\"type\":\"hello\",\"token\":\"" + siteToken + "\"}").getBytes(StandardCharsets.UTF_8));
                for (byte[] bytes : writes) {
                    raw.write(bytes);
                }
                assertThat(readUntil(raw, "\"pong\"")).as("a legal message gets its answer").isTrue();
            }
            figures.add("frames", 1);
        }
    }

    /** A ping message padded to exactly {@code size} bytes (at least the bare ping). */
    static byte[] ping(int size) {
        String bare = "{\"type\":\"ping\",\"pad\":\"\"}";
        int pad = Math.max(0, size - bare.length());
        return ("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(pad) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] header(int first, long length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        if (length < 126) {
            out.write(0x80 | (int) length);
        } else if (length < 65_536) {
            out.write(0x80 | 126);
            out.write((int) (length >> 8));
            out.write((int) length);
        } else {
            out.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (length >> (8 * i)));
            }
        }
        out.writeBytes(new byte[4]); // mask 0: the payload goes as it is
        return out.toByteArray();
    }

    static byte[] frame(int first, byte[] payload) {
        byte[] head = header(first, payload.length);
        byte[] all = Arrays.copyOf(head, head.length + payload.length);
        System.arraycopy(payload, 0, all, head.length, payload.length);
        return all;
    }

    static byte[] unmasked(byte[] payload) {
        byte[] all = new byte[2 + payload.length];
        all[0] = (byte) 0x81;
        all[1] = (byte) payload.length;
        System.arraycopy(payload, 0, all, 2, payload.length);
        return all;
    }

    /** The message as {@code n} fragments: text start, continuations, the last with FIN. */
    static List<byte[]> fragments(byte[] message, int n) {
        List<byte[]> frames = new ArrayList<>();
        int step = (message.length + n - 1) / n;
        for (int i = 0, at = 0; at < message.length; i++, at += step) {
            boolean last = at + step >= message.length;
            frames.add(frame((last ? 0x80 : 0) | (i == 0 ? 0x01 : 0x00),
                    Arrays.copyOfRange(message, at, Math.min(message.length, at + step))));
        }
        return frames;
    }

    static List<byte[]> interleavePing(List<byte[]> fragments) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] f : fragments) {
            out.add(f);
            out.add(frame(0x89, new byte[] {7}));
        }
        return out;
    }

    static int closeCode(RawWebSocket raw) {
        try {
            return raw.awaitCloseCode();
        } catch (IOException reset) {
            return 1006;
        }
    }

    /** Reads frames until a text frame containing {@code marker}; false at a close or the end of the stream. */
    static boolean readUntil(RawWebSocket raw, String marker) throws IOException {
        for (RawWebSocket.Frame f = raw.readFrame(); f != null && f.opcode() != 0x8; f = raw.readFrame()) {
            if (f.opcode() == 0x1 && f.text().contains(marker)) {
                return true;
            }
        }
        return false;
    }

    // ---- compression bombs ----

    /**
     * permessage-deflate frames that inflate to megabytes: each closes with 1009 (the limit applies after
     * decompression), one after another and many at once, and the heap after them is the heap before.
     */
    void bombs(String siteToken) throws Exception {
        byte[] bomb = deflate(("{\"type\":\"hello\",\"token\":\"" + "a".repeat(16 << 20) + "\"}").getBytes(StandardCharsets.UTF_8));
        figures.put("bombCompressedBytes", bomb.length).put("bombInflatedBytes", 16 << 20);
        bomb(bomb, 0, siteToken); // warm up: classes and pools the first bomb loads are not growth
        long before = usedHeapAfterGc();
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        int sequential = Figures.scale(30, 300);
        for (int i = 0; i < sequential; i++) {
            assertThat(bomb(bomb, i % 3, siteToken)).as("bomb %d (%s)", i, BOMB_SHAPES.get(i % 3)).isEqualTo(1009);
        }
        int concurrent = Figures.scale(16, 64);
        ExecutorService pool = Executors.newFixedThreadPool(concurrent);
        try {
            List<Future<Integer>> codes = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                int shape = i % 2; // after-welcome bombs of one site at once would replace each other (4002)
                codes.add(pool.submit(() -> bomb(bomb, shape, siteToken)));
            }
            for (Future<Integer> code : codes) {
                assertThat(code.get(WsClient.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1009);
            }
        } finally {
            pool.shutdownNow();
        }
        long peak = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long after = usedHeapAfterGc();
        long growth = after - before;
        figures.put("bombs", sequential + concurrent).put("heapBeforeMiB", before >> 20).put("heapAfterMiB", after >> 20)
                .put("heapGrowthKiB", growth >> 10).put("heapPeakMiB", peak >> 20);
        // 16 MiB inflated per bomb, 46 of them: were any of it kept, the growth would show it many times over.
        assertThat(growth).as("heap growth over %d bombs", sequential + concurrent).isLessThan(16L << 20);
    }

    static final List<String> BOMB_SHAPES = List.of("one frame", "fragments", "after welcome");

    int bomb(byte[] compressed, int shape, String siteToken) throws IOException {
        try (RawWebSocket raw = RawWebSocket.open(app.signal(),
                "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n")) {
            if (shape == 1) {
                // Three small fragments that stay under the limit once inflated, then the rest: RSV1 on the first only.
                for (int i = 0; i < 4; i++) {
                    byte[] part = Arrays.copyOfRange(compressed, i * 4, i == 3 ? compressed.length : (i + 1) * 4);
                    raw.sendFrame(i == 3, i == 0, i == 0 ? 0x1 : 0x0, part);
                }
            } else {
                if (shape == 2) {
                    raw.sendFrame(true, true, 0x1, deflate(("{\"type\":\"hello\",\"token\":\"" + siteToken + "\"}")
                            .getBytes(StandardCharsets.UTF_8)));
                }
                raw.sendFrame(true, true, 0x1, compressed);
            }
            return closeCode(raw);
        }
    }

    /** RFC 7692: raw deflate, sync-flushed, without the trailing 00 00 FF FF. */
    static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(9, true);
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length || !deflater.needsInput());
        deflater.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** After all of it the appliance still welcomes a client and answers it. */
    void stillServes(String siteToken) throws Exception {
        WsClient c = WsClient.connect(ws, app.signal(), Map.of("Origin", "http://" + hostPort()));
        try {
            assertThat(c.hello(siteToken).path("type").asText()).isEqualTo("welcome");
            c.send("ping");
            assertThat(c.next("pong")).isNotNull();
        } finally {
            c.close();
        }
    }
}
