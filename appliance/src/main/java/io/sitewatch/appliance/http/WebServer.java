package io.sitewatch.appliance.http;

import io.sitewatch.appliance.auth.LoginThrottle;
import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.recording.RecordingArchive;
import io.sitewatch.appliance.registry.Registry;
import io.sitewatch.appliance.signal.Credentials;
import io.sitewatch.appliance.signal.SignalCore;
import java.io.IOException;
import java.net.BindException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public Jetty server: {@code /signal}, {@code /api/login}, {@code /api/sites},
 * {@code /api/recordings}, {@code /healthz}, {@code /metrics} and the web apps. HTTPS with a
 * plain-HTTP redirect port, or plain HTTP alone with {@code --no-tls} on loopback.
 */
public final class WebServer implements AutoCloseable {

    /** Largest text message (protocol.md, Transport): bigger ones close the connection with 1009. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    private static final String WEB_ROOT = "sitewatch/web/";

    /** The server's key material when TLS is on. */
    public record Keys(KeyStore keyStore, char[] password) {}

    /** What the endpoints serve, besides signaling. */
    /**
     * @param standbySecret  serves {@code /api/peer/snapshot} to a standby presenting it; blank: not served
     * @param standbySnapshot writes the archive a standby mirrors
     */
    public record Endpoints(Registry registry, Credentials credentials, Supplier<Set<String>> onlineSites,
                            String defaultRoom, LoginThrottle loginThrottle, Supplier<Object> health,
                            Supplier<String> metrics, String standbySecret,
                            PeerSnapshotHandler.Snapshot standbySnapshot, String standbyUrl,
                            RecordingArchive recordings) {}

    private final Server server;
    private final ServerConnector primary;
    private final ServerConnector redirect;
    private final boolean tls;
    private final WebFiles webFiles = new WebFiles(WEB_ROOT);

    public WebServer(Config.Http http, Keys keys, SignalCore core, Endpoints endpoints, long heartbeatMs,
                     Clock clock) {
        this.tls = http.tls();
        // Few threads: requests mostly take the signaling core's monitor, and 200 threads queued on it
        // convoy (loadtest capacity, warm, 5,000 sessions at 1,000/s: hello p99 1,401 ms with 200, 294 ms with 24).
        int maxThreads = Math.max(32, 16 * Runtime.getRuntime().availableProcessors());
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, 4);
        threads.setName("web");
        server = new Server(threads);
        server.setStopTimeout(5_000);
        server.setStopAtShutdown(false);

        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        httpConfig.setSendXPoweredBy(false);
        if (tls) {
            httpConfig.setSecurePort(http.httpsPort());
            HttpConfiguration httpsConfig = new HttpConfiguration(httpConfig);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // devices reach the box by any of its names and addresses
            httpsConfig.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(keys.keyStore());
            ssl.setKeyStorePassword(new String(keys.password()));
            primary = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(httpsConfig));
            primary.setPort(http.httpsPort());
            redirect = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
            redirect.setHost(http.bind());
            redirect.setPort(http.httpPort());
        } else {
            // Only on loopback, where a local TLS-terminating proxy may say what the client used.
            httpConfig.addCustomizer(new ForwardedRequestCustomizer());
            primary = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
            primary.setPort(http.httpPort());
            redirect = null;
        }
        primary.setHost(http.bind());
        server.addConnector(primary);
        if (redirect != null) {
            server.addConnector(redirect);
        }

        PathMappingsHandler routes = new PathMappingsHandler();
        routes.addMapping(PathSpec.from("/api/login"), new LoginHandler(endpoints.registry(),
                endpoints.loginThrottle()));
        routes.addMapping(PathSpec.from("/api/sites"), new SitesHandler(endpoints.credentials(),
                endpoints.registry()::sites, endpoints.onlineSites()));
        routes.addMapping(PathSpec.from("/api/rooms"), new RoomsHandler(endpoints.credentials(),
                endpoints.defaultRoom(), endpoints.registry()::rooms, core::rooms, core::capacityOf));
        if (!endpoints.standbySecret().isEmpty()) {
            routes.addMapping(PathSpec.from("/api/peer/snapshot"), new PeerSnapshotHandler(endpoints.standbySecret(),
                    endpoints.standbySnapshot()));
        }
        routes.addMapping(PathSpec.from(RecordingsHandler.PREFIX + "/*"), new RecordingsHandler(
                endpoints.credentials(), endpoints.recordings(), endpoints.registry()::sites));
        routes.addMapping(PathSpec.from("/api/*"), notFound());
        routes.addMapping(PathSpec.from("/healthz"), SimpleHandlers.json(endpoints.health()));
        routes.addMapping(PathSpec.from("/metrics"), SimpleHandlers.text("text/plain; version=0.0.4; charset=utf-8",
                endpoints.metrics()));
        routes.addMapping(PathSpec.from("/"), webFiles);

        OriginPolicy origins = new OriginPolicy(http.allowedOrigins());
        // Jetty's WebSocket core rather than its API: see SignalSocket for what the API keeps per session.
        WebSocketUpgradeHandler signal = new WebSocketUpgradeHandler(
                WebSocketServerComponents.ensureWebSocketComponents(server));
        configure(signal.getConfiguration(), heartbeatMs);
        signal.addMapping("/signal", (request, response, callback) -> {
            if (!origins.allows(request)) {
                LOG.info("refused /signal from {}: origin {} not allowed", Request.getRemoteAddr(request),
                        request.getHeaders().get("Origin"));
                Response.writeError(request, response, callback, 403, "origin not allowed");
                return null;
            }
            String key = request.getHeaders().get("Sec-WebSocket-Key");
            if (key != null && !UpgradeKey.wellFormed(key)) {
                LOG.info("refused /signal from {}: malformed Sec-WebSocket-Key", Request.getRemoteAddr(request));
                Response.writeError(request, response, callback, 400, "malformed Sec-WebSocket-Key");
                return null;
            }
            String remote = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
            return new SignalSocket(core, clock, http.outbox(), remote);
        });
        signal.setHandler(routes);
        Handler top = tls ? new PlainHttpGuard(signal, primary::getLocalPort) : signal;
        // A root context: the resource service needs one to resolve welcome files.
        // Pages may also reach the standby's signaling, where clients go when this appliance is lost.
        List<String> alsoConnect = endpoints.standbyUrl().isEmpty() ? List.of()
                : List.of(java.net.URI.create(endpoints.standbyUrl()).resolve("/").toString().replaceAll("/$", ""));
        server.setHandler(new GracefulHandler(new SecureHeaders(new ContextHandler(top, "/"), alsoConnect)));
    }

    /** The limits of every {@code /signal} connection (protocol.md, Transport). */
    static void configure(Configuration signal, long heartbeatMs) {
        signal.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
        signal.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
        // Never shorter than the core's 3 silent heartbeats (protocol.md, Reconnect).
        signal.setIdleTimeout(Duration.ofMillis(3 * heartbeatMs + 5_000));
    }

    public void start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            close();
            if (e.getCause() instanceof BindException || e instanceof BindException) {
                throw new IOException("cannot listen: " + e.getMessage(), e);
            }
            throw e;
        } catch (Exception e) {
            close();
            throw new IOException("cannot start the web server: " + e.getMessage(), e);
        }
        LOG.info("listening on {}://{}:{}", tls ? "https" : "http", primary.getHost(), primary.getLocalPort());
        if (redirect != null) {
            LOG.info("listening on http://{}:{} (redirects to https)", redirect.getHost(), redirect.getLocalPort());
        }
    }

    /** Gets the web apps' files ready (see {@link WebFiles}); until then the first request for one does. */
    public void prepareFiles() {
        webFiles.prepare();
    }

    /** The port serving the apps and {@code /signal}: HTTPS, or plain HTTP without TLS. */
    public int port() {
        return primary.getLocalPort();
    }

    /** The plain HTTP redirect port, or -1 without TLS. */
    public int redirectPort() {
        return redirect == null ? -1 : redirect.getLocalPort();
    }

    public boolean tls() {
        return tls;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("web server did not stop cleanly: {}", e.toString());
        }
    }

    private static Handler notFound() {
        return new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, org.eclipse.jetty.util.Callback callback) {
                HttpJson.error(response, callback, 404, "not-found", "no such endpoint");
                return true;
            }
        };
    }
}
