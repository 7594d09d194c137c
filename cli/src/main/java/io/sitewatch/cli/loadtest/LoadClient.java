package io.sitewatch.cli.loadtest;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Opens {@link Peer}s against one server with Jetty's asynchronous WebSocket client: one selector and a
 * small thread pool serve thousands of connections, each holding buffers only while it has data.
 */
public final class LoadClient implements AutoCloseable {

    private final Dialect dialect;
    private final URI base;
    private final Tally tally;
    private final WebSocketClient client;

    /** @param base the server, e.g. {@code ws://127.0.0.1:8080} */
    public LoadClient(Dialect dialect, URI base, Tally tally) throws Exception {
        this(dialect, base, tally, null);
    }

    /** @param tls how to trust a {@code wss://} server's certificate; null for the JVM's defaults */
    public LoadClient(Dialect dialect, URI base, Tally tally, SslContextFactory.Client tls) throws Exception {
        this.dialect = dialect;
        this.base = base;
        this.tally = tally;
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("loadtest");
        threads.setDaemon(true);
        HttpClient http = new HttpClient();
        http.setExecutor(threads);
        if (tls != null) {
            http.setSslContextFactory(tls);
        }
        http.setMaxConnectionsPerDestination(100_000);
        http.setMaxRequestsQueuedPerDestination(100_000);
        http.setConnectTimeout(10_000);
        client = new WebSocketClient(http);
        client.setIdleTimeout(Duration.ofMinutes(5));
        client.setMaxTextMessageSize(16 * 1024 * 1024);
        client.setStopTimeout(1000);
        client.start();
    }

    public Tally tally() {
        return tally;
    }

    /** Connects a new peer; its {@link Peer#ready()} completes when the server has accepted it. */
    public Peer open(Dialect.Identity who) {
        Peer peer = new Peer(who, dialect, tally);
        try {
            CompletableFuture<?> connected = client.connect(peer, dialect.endpoint(base, who));
            connected.whenComplete((session, failure) -> {
                if (failure != null) {
                    peer.failToConnect(failure);
                }
            });
        } catch (Exception e) {
            peer.failToConnect(e);
        }
        return peer;
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
