package io.sitewatch.faults.load;

import io.sitewatch.appliance.it.RawWebSocket;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attacker: an authenticated client writing one pre-encoded frame at a fixed rate on a raw socket,
 * so the flood costs the test almost nothing. When the server closes it, it says hello again and goes
 * on, until {@link #close()}. It reads everything the server sends (a reader that stops would be a
 * slow consumer, a different attack) and counts the answers.
 */
public final class RawFlooder implements AutoCloseable {

    private final URI uri;
    private final String token;
    private final byte[] frame;
    private final int perSecond;
    private final Thread writer;
    private volatile boolean running = true;
    private volatile boolean paused;
    private volatile Socket socket;

    public final AtomicLong sent = new AtomicLong();
    public final AtomicLong sessions = new AtomicLong();
    public final AtomicLong rateLimited = new AtomicLong();
    public final AtomicLong otherErrors = new AtomicLong();
    public final Map<Integer, AtomicLong> closes = new ConcurrentHashMap<>();

    public RawFlooder(URI uri, String token, String message, int perSecond) {
        this.uri = uri;
        this.token = token;
        this.frame = RawFrames.text(message.getBytes(StandardCharsets.UTF_8));
        this.perSecond = perSecond;
        this.writer = new Thread(this::run, "flooder");
        this.writer.setDaemon(true);
    }

    public RawFlooder start() {
        writer.start();
        return this;
    }

    /** Stops or restarts the flood without closing the connection. */
    public void paused(boolean paused) {
        this.paused = paused;
    }

    public long closes(int code) {
        AtomicLong n = closes.get(code);
        return n == null ? 0 : n.get();
    }

    private void run() {
        while (running) {
            try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
                socket = s;
                s.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 65_536));
                OutputStream out = s.getOutputStream();
                RawFrames.upgrade(uri, in, out);
                CountDownLatch welcomed = new CountDownLatch(1);
                Thread reader = new Thread(() -> read(in, welcomed), "flooder-reader");
                reader.setDaemon(true);
                reader.start();
                out.write(RawFrames.text(("{\"type\":\"hello\",\"token\":\"" + token + "\"}")
                        .getBytes(StandardCharsets.UTF_8)));
                if (!welcomed.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("no welcome");
                }
                sessions.incrementAndGet();
                flood(out);
            } catch (IOException e) {
                // closed by the server (or by close()): say hello again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Writes frames in batches every 5 ms, {@code perSecond} on average while not paused. */
    private void flood(OutputStream out) throws IOException, InterruptedException {
        int most = Math.max(1, perSecond / 10); // catches up after late wake-ups on a busy machine
        byte[] batch = new byte[frame.length * most];
        for (int i = 0; i < most; i++) {
            System.arraycopy(frame, 0, batch, i * frame.length, frame.length);
        }
        double credit = 0;
        long last = System.nanoTime();
        while (running) {
            long now = System.nanoTime();
            credit = paused ? 0 : Math.min(most, credit + (now - last) * perSecond / 1e9);
            last = now;
            int n = (int) credit;
            if (n > 0) {
                out.write(batch, 0, n * frame.length);
                sent.addAndGet(n);
                credit -= n;
            }
            Thread.sleep(5);
        }
    }

    private void read(DataInputStream in, CountDownLatch welcomed) {
        try {
            while (true) {
                RawWebSocket.Frame f = RawFrames.read(in);
                if (f.opcode() == 0x8) {
                    closes.computeIfAbsent(f.closeCode(), c -> new AtomicLong()).incrementAndGet();
                    break;
                }
                if (f.opcode() == 0x1) {
                    String text = f.text();
                    if (text.startsWith("{\"type\":\"welcome\"")) {
                        welcomed.countDown();
                    } else if (text.contains("\"code\":\"rate-limited\"")) {
                        rateLimited.incrementAndGet();
                    } else if (text.startsWith("{\"type\":\"error\"")) {
                        otherErrors.incrementAndGet();
                    }
                }
            }
        } catch (IOException e) {
            closes.computeIfAbsent(1006, c -> new AtomicLong()).incrementAndGet();
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // already gone
            }
        }
        writer.join(5_000);
    }
}
