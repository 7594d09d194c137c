package io.sitewatch.appliance;

import io.sitewatch.appliance.admin.AdminApi;
import io.sitewatch.appliance.admin.AdminServer;
import io.sitewatch.appliance.admin.EventHub;
import io.sitewatch.appliance.admin.dto.AdminDto.Status;
import io.sitewatch.appliance.auth.LoginThrottle;
import io.sitewatch.appliance.auth.Passwords;
import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.config.ConfigException;
import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.appliance.http.WebServer;
import io.sitewatch.appliance.media.MediaSettings;
import io.sitewatch.appliance.metrics.Metrics;
import io.sitewatch.appliance.recording.RecordingArchive;
import io.sitewatch.appliance.registry.Directory;
import io.sitewatch.appliance.registry.Registry;
import io.sitewatch.appliance.signal.SignalCore;
import io.sitewatch.appliance.signal.SignalObserver;
import io.sitewatch.appliance.store.Store;
import io.sitewatch.appliance.store.sqlite.SqliteStore;
import io.sitewatch.appliance.tls.TlsMaterial;
import io.sitewatch.appliance.tls.TlsSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every part of the appliance in order, with its dependencies
 * passed explicitly, and closes them in reverse. Nothing else knows every package.
 */
public final class Appliance implements AutoCloseable {

    public static final String DATABASE = "sitewatch.db";
    /** The directory of recording chunk files, inside the data directory. */
    public static final String RECORDINGS = "recordings";
    private static final Logger LOG = LoggerFactory.getLogger(Appliance.class);
    private static final long TICK_MS = 500;
    private static final Duration EVENT_RETENTION = Duration.ofDays(90);

    private final Path dataDir;
    private final Instant startedAt;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private Store store;
    private SignalCore core;
    private Registry registry;
    private Directory directory;
    private WebServer web;
    private AdminServer admin;
    private TlsMaterial tls;

    private Appliance(Path dataDir, Clock clock) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.startedAt = clock.instant();
    }

    /** Starts the appliance on this data directory; on any failure everything opened so far is closed. */
    public static Appliance start(Path dataDir, Config config, Clock clock) throws Exception {
        Appliance appliance = new Appliance(dataDir, clock);
        try {
            appliance.open(config, clock);
            return appliance;
        } catch (Exception | Error e) {
            appliance.close();
            throw e;
        }
    }

    private void open(Config config, Clock clock) throws Exception {
        requireLoopbackWithoutTls(config.http());
        createPrivateDirectory(dataDir);
        store = SqliteStore.open(dataDir.resolve(DATABASE)); // also locks the data directory
        opened.push(store);

        directory = new Directory(store.tokens(), clock, store.sites().list(), store.operators().list());
        EventHub hub = new EventHub();
        Metrics metrics = new Metrics();
        EventRecorder events = new EventRecorder(store.events(), hub, clock);
        core = new SignalCore(config.signal(), directory, directory, store.sessions(),
                new MediaSettings(config.ice(), config.tiers(), clock),
                SignalObserver.all(metrics, events), clock);
        metrics.gaugeSessions(core::sessionCounts);
        core.restore();
        registry = new Registry(store, directory, revocations(core), new Passwords(config.auth().passwordIterations()),
                Duration.ofMinutes(config.auth().operatorTokenTtlMinutes()), clock);

        RecordingArchive recordings = RecordingArchive.open(dataDir.resolve(RECORDINGS), store.recordings(),
                config.recordings(), events::record, clock);

        WebServer.Keys keys = null;
        if (config.http().tls()) {
            Config.Tls t = config.tls();
            tls = TlsMaterial.load(dataDir, new TlsSettings(t.keystore(), t.keystorePassword(), t.certificate(),
                    t.privateKey()), clock);
            keys = new WebServer.Keys(tls.keyStore(), tls.keyStorePassword());
        }
        web = new WebServer(config.http(), keys, core, new WebServer.Endpoints(registry, directory,
                core::onlineSites, new LoginThrottle(clock), () -> health(clock), metrics::scrape, recordings),
                config.signal().heartbeatMs(), clock);
        opened.push(web);
        web.start();
        opened.push(core::shutdown); // sessions get 1001 before the server stops

        admin = new AdminServer(dataDir, new AdminApi(registry, core, store, hub, recordings, () -> status(clock),
                () -> ConfigLoader.toToml(config)));
        opened.push(admin);
        admin.start();

        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "timers");
            t.setDaemon(true);
            return t;
        });
        opened.push(timers::shutdownNow);
        timers.scheduleWithFixedDelay(guard("signal timers", core::tick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(guard("token purge", () -> store.tokens().purgeExpired(clock.instant())),
                1, 60, TimeUnit.MINUTES);
        timers.scheduleWithFixedDelay(guard("event retention",
                () -> store.events().prune(clock.instant().minus(EVENT_RETENTION))), 5, 24 * 60, TimeUnit.MINUTES);
        // Its own thread: deleting many files must not delay the signaling timers.
        ScheduledExecutorService retention = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "recordings-retention");
            t.setDaemon(true);
            return t;
        });
        opened.push(() -> {
            retention.shutdownNow();
            retention.awaitTermination(10, TimeUnit.SECONDS); // a prune in progress finishes its batch
        });
        long prune = config.recordings().pruneIntervalMinutes();
        retention.scheduleWithFixedDelay(guard("recordings retention", () -> recordings.prune(false)), 1, prune,
                TimeUnit.MINUTES);
        LOG.info("sitewatch {} ready on {} (data in {})", Version.get(), baseUrl(), dataDir);
    }

    public Path dataDir() {
        return dataDir;
    }

    public Registry registry() {
        return registry;
    }

    /** The credential check of {@code hello}, for callers that hold a token (the demo). */
    public io.sitewatch.appliance.signal.Credentials credentials() {
        return directory;
    }

    public SignalCore core() {
        return core;
    }

    /** The URL of the apps, e.g. {@code https://localhost:8443}. */
    public String baseUrl() {
        return (web.tls() ? "https" : "http") + "://" + (web.tls() ? "localhost" : "127.0.0.1") + ":" + web.port();
    }

    public int port() {
        return web.port();
    }

    public int redirectPort() {
        return web.redirectPort();
    }

    public Path adminSocket() {
        return admin.socket();
    }

    /** The CA file to install on devices, when the appliance made its own certificate. */
    public java.util.Optional<Path> caFile() {
        return tls == null ? java.util.Optional.empty() : tls.caPemFile();
    }

    private Map<String, Object> health(Clock clock) {
        Map<String, Integer> sessions = core.sessionCounts();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("version", Version.get());
        body.put("uptimeSeconds", Duration.between(startedAt, clock.instant()).toSeconds());
        body.put("sessions", Map.of("site", sessions.get("site"), "operator", sessions.get("operator"),
                "total", sessions.get("site") + sessions.get("operator")));
        return body;
    }

    private Status status(Clock clock) {
        long dropped = store instanceof SqliteStore sqlite ? sqlite.droppedEvents() : 0;
        return new Status(Version.get(), startedAt, Duration.between(startedAt, clock.instant()).toSeconds(),
                dataDir.toString(), baseUrl(), web.tls(), web.port(), web.redirectPort(), core.sessionCounts(),
                registry.sites().size(), registry.operators().size(), dropped);
    }

    @Override
    public void close() {
        boolean started = web != null && !opened.isEmpty();
        while (!opened.isEmpty()) {
            AutoCloseable next = opened.pop();
            try {
                next.close();
            } catch (Exception e) {
                LOG.warn("while stopping: {}", e.toString());
            }
        }
        if (started) {
            LOG.info("sitewatch stopped");
        }
    }

    private static Registry.Revocations revocations(SignalCore core) {
        return new Registry.Revocations() {
            @Override
            public void credentialRevoked(String credentialId) {
                core.credentialRevoked(credentialId);
            }

            @Override
            public void siteRevoked(String siteId) {
                core.siteRevoked(siteId);
            }

            @Override
            public void operatorRevoked(String name) {
                core.operatorRevoked(name);
            }
        };
    }

    private static Runnable guard(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("{} failed", what, e);
            }
        };
    }

    private static void requireLoopbackWithoutTls(Config.Http http) throws ConfigException {
        if (http.tls()) {
            return;
        }
        try {
            if (!InetAddress.getByName(http.bind()).isLoopbackAddress()) {
                throw new ConfigException("--no-tls is only allowed on a loopback address (e.g. --bind 127.0.0.1),"
                        + " not " + http.bind());
            }
        } catch (UnknownHostException e) {
            throw new ConfigException("cannot resolve bind address " + http.bind());
        }
    }

    /** The data directory holds secrets: owner-only access. */
    static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }
}
