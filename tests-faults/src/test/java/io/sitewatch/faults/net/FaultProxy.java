package io.sitewatch.faults.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of one server, with faults per connection: {@link Conn#reset()} (RST
 * both ways, SO_LINGER 0), {@link Conn#drop()} (a black hole: nothing passes, nobody is told),
 * {@link Conn#stall(long)} (nothing passes for a while, then everything does, in order) and
 * {@link Conn#delay(long)} (every chunk arrives that much later). Each direction has a reader that
 * queues chunks and a writer that forwards them when due, so faults never lose or reorder bytes
 * except where the fault itself says so. Threads are daemons; {@link #close()} ends everything.
 */
public final class FaultProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Conn> conns = new CopyOnWriteArrayList<>();
    public final AtomicLong accepted = new AtomicLong();
    private volatile boolean open = true;

    public FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections that are still forwarding (or stalled, or black-holed). */
    public List<Conn> live() {
        return conns.stream().filter(c -> !c.closed).toList();
    }

    private void accept() {
        while (open) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(target, 5_000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                accepted.incrementAndGet();
                Conn conn = new Conn(client, server);
                conns.add(conn);
                conn.start();
            } catch (IOException e) {
                // listener closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        listener.close();
        for (Conn c : conns) {
            c.reset();
        }
    }

    /** One proxied connection. */
    public final class Conn {
        private static final byte[] EOF = new byte[0];

        private final Socket client;
        private final Socket server;
        private volatile long stallUntil;
        private volatile long delayNanos;
        private volatile boolean dropping;
        private volatile boolean closed;

        private Conn(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        private void start() throws IOException {
            pump("up", client.getInputStream(), server.getOutputStream());
            pump("down", server.getInputStream(), client.getOutputStream());
        }

        /** Both sockets closed with SO_LINGER 0: each side gets a reset, and unread data is gone. */
        public void reset() {
            closed = true;
            for (Socket s : new Socket[] {client, server}) {
                try {
                    s.setSoLinger(true, 0);
                    s.close();
                } catch (IOException e) {
                    // already gone
                }
            }
        }

        /** From now on nothing passes and nothing is said: each side only notices by its own timeouts. */
        public void drop() {
            dropping = true;
        }

        /** Nothing passes for {@code millis}; then everything queued meanwhile, in order. */
        public void stall(long millis) {
            stallUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        }

        /** Every chunk read from now on is forwarded {@code millis} later (0: no delay). */
        public void delay(long millis) {
            delayNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        }

        private record Chunk(long due, byte[] bytes) {}

        private void pump(String name, InputStream in, OutputStream out) {
            LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (!dropping) {
                            queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                        }
                    }
                } catch (IOException e) {
                    // reset or closed
                }
                queue.add(new Chunk(System.nanoTime() + delayNanos, EOF));
            }, "proxy-" + name + "-read");
            Thread writer = new Thread(() -> {
                try {
                    while (!closed) {
                        Chunk chunk = queue.take();
                        long wait;
                        while ((wait = Math.max(chunk.due, stallUntil) - System.nanoTime()) > 0 && !closed) {
                            TimeUnit.NANOSECONDS.sleep(Math.min(wait, 50_000_000L));
                        }
                        if (chunk.bytes == EOF) {
                            break;
                        }
                        out.write(chunk.bytes);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // reset or closed
                }
                end();
            }, "proxy-" + name + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        /** One side ended: close both, politely (a reset is {@link #reset()}). */
        private void end() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                client.close();
                server.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
