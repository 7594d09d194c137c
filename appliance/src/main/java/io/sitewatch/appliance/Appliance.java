package io.sitewatch.appliance;

import io.sitewatch.appliance.admin.AdminApi;
import io.sitewatch.appliance.admin.AdminServer;
import io.sitewatch.appliance.admin.EventHub;
import io.sitewatch.appliance.admin.dto.AdminDto.CaCertificate;
import io.sitewatch.appliance.admin.dto.AdminDto.Diagnostics;
import io.sitewatch.appliance.admin.dto.AdminDto.Status;
import io.sitewatch.appliance.backup.BackupArchive;
import io.sitewatch.appliance.auth.LoginThrottle;
import io.sitewatch.appliance.auth.Passwords;
import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.config.ConfigException;
import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.appliance.discovery.Discovery;
import io.sitewatch.appliance.discovery.LanAddress;
import io.sitewatch.appliance.http.WebServer;
import io.sitewatch.appliance.media.MediaSettings;
import io.sitewatch.appliance.metrics.Metrics;
import io.sitewatch.appliance.recording.RecordingArchive;
import io.sitewatch.appliance.registry.Directory;
import io.sitewatch.appliance.registry.Registry;
import io.sitewatch.appliance.signal.SignalCore;
import io.sitewatch.appliance.signal.SignalObserver;
import io.sitewatch.appliance.standby.StandbyFollower;
import io.sitewatch.appliance.store.Operator;
import io.sitewatch.appliance.store.Site;
import io.sitewatch.appliance.store.Store;
import io.sitewatch.appliance.store.sqlite.SqliteStore;
import io.sitewatch.appliance.tls.HostNames;
import io.sitewatch.appliance.tls.TlsMaterial;
import io.sitewatch.appliance.tls.TlsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Optional;
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
    /** How long after start the work that can wait (JVM metrics, the web apps' files) waits. */
    private static final long WARM_UP_DELAY_MS = 2_000;
    private static final Duration EVENT_RETENTION = Duration.ofDays(90);

    private final Path dataDir;
    private final Path configFile;
    private final Instant startedAt;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private Store store;
    private SignalCore core;
    private Registry registry;
    private Directory directory;
    private WebServer web;
    private AdminServer admin;
    private TlsMaterial tls;
    private StandbyFollower standby;
    private RecordingArchive recordings;

    /**
     * Jetty pads its queues by {@code referencesPerCacheLine}, which it works out from {@code UseCompressedOops}
     * through the platform MBean server: creating that server loads about 350 JMX classes, a tenth of the
     * start-up's CPU on a 2-core box (issue 11). 16 is what Jetty computes with compressed oops (any heap under
     * 32 GiB) and its own fallback; with uncompressed oops it pads 128 bytes instead of 64, still a full line.
     */
    static final String JETTY_REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    private Appliance(Path dataDir, Path configFile, Clock clock) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.configFile = configFile == null ? null : configFile.toAbsolutePath().normalize();
        this.startedAt = clock.instant();
    }

    /** Starts the appliance on this data directory; on any failure everything opened so far is closed. */
    public static Appliance start(Path dataDir, Config config, Clock clock) throws Exception {
        return start(dataDir, null, config, clock);
    }

    /** @param configFile the file {@code config} was loaded from (backups include it), or null */
    public static Appliance start(Path dataDir, Path configFile, Config config, Clock clock) throws Exception {
        Appliance appliance = new Appliance(dataDir, configFile, clock);
        try {
            appliance.open(config, clock);
            return appliance;
        } catch (Exception | Error e) {
            appliance.close();
            throw e;
        }
    }

    /** Sets Jetty's JVM-wide knobs before anything builds a Jetty object; a value given with -D is kept. */
    static void tuneJetty() {
        if (System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE, "16");
        }
    }

    private void open(Config config, Clock clock) throws Exception {
        tuneJetty();
        requireLoopbackWithoutTls(config.http());
        createPrivateDirectory(dataDir);
        store = SqliteStore.open(dataDir.resolve(DATABASE)); // also locks the data directory
        opened.push(store);

        directory = new Directory(store.tokens(), clock, store.sites().list(), store.operators().list());
        EventHub hub = new EventHub();
        Metrics metrics = new Metrics();
        EventRecorder events = new EventRecorder(store.events(), hub, clock);
        core = new SignalCore(config.signal(), directory, directory, store.sessions(),
                new MediaSettings(config.ice(), config.tiers(), config.standby().url(), clock),
                SignalObserver.all(metrics, events), clock);
        metrics.gaugeSessions(core::sessionCounts);
        core.restore();
        registry = new Registry(store, directory, liveEffects(core), new Passwords(config.auth().passwordIterations()),
                Duration.ofMinutes(config.auth().operatorTokenTtlMinutes()), clock);
        Config.Http http = config.http();
        if (config.standby().following()) {
            standby = followPrimary(config.standby(), clock);
            http = http.withAllowedOrigin(origin(config.standby().of())); // pages served by the primary fail over here
        }

        recordings = RecordingArchive.open(dataDir.resolve(RECORDINGS), store.recordings(),
                config.recordings(), events::record, clock);

        WebServer.Keys keys = null;
        if (config.http().tls()) {
            Config.Tls t = config.tls();
            tls = TlsMaterial.load(dataDir, new TlsSettings(t.keystore(), t.keystorePassword(), t.certificate(),
                    t.privateKey()), clock);
            keys = new WebServer.Keys(tls.keyStore(), tls.keyStorePassword());
        }
        String snapshotSecret = config.standby().following() ? "" : config.standby().secret();
        web = new WebServer(http, keys, core, new WebServer.Endpoints(registry, directory, core::onlineSites,
                config.intercom().defaultRoom(), new LoginThrottle(clock), () -> health(clock), metrics::scrape,
                snapshotSecret, out -> BackupArchive.write(out, dataDir, store, null, false, clock.instant()),
                config.standby().url(), recordings),
                config.signal().heartbeatMs(), clock);
        opened.push(web);
        web.start();
        opened.push(core::shutdown); // sessions get 1001 before the server stops

        DiskUsage disk = new DiskUsage(dataDir, clock);
        admin = new AdminServer(dataDir, config.admin().socketGroup(), config.admin().httpPort(), new AdminApi(registry, core, store, hub,
                recordings, () -> status(clock, disk), () -> ConfigLoader.toToml(config), this::caCertificate,
                () -> diagnostics(config), (out, withRecordings) -> BackupArchive.write(out, dataDir, store,
                        configFile, withRecordings, clock.instant())));
        opened.push(admin);
        admin.start();

        announceOnTheLan(config);

        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "timers");
            t.setDaemon(true);
            return t;
        });
        opened.push(timers::shutdownNow);
        // Off the start-up path, and not competing with the first requests for the CPU (issue 11): a request that
        // needs them sooner does them itself.
        timers.schedule(guard("JVM metrics", metrics::bindJvm), WARM_UP_DELAY_MS, TimeUnit.MILLISECONDS);
        timers.schedule(guard("web files", web::prepareFiles), WARM_UP_DELAY_MS, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(guard("signal timers", core::tick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        if (standby != null) {
            timers.scheduleWithFixedDelay(guard("standby sync", standby::syncQuietly), config.standby().intervalSeconds(),
                    config.standby().intervalSeconds(), TimeUnit.SECONDS);
        }
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

    /**
     * A standby mirrors its primary's registry: once now (taking the primary's CA before TLS starts),
     * then on a timer. An unreachable primary at start is no reason not to serve what was mirrored last.
     */
    private StandbyFollower followPrimary(Config.Standby config, Clock clock) throws Exception {
        StandbyFollower follower = new StandbyFollower(config, dataDir, registry, clock);
        opened.push(follower);
        try {
            follower.sync(true);
        } catch (java.io.IOException e) {
            LOG.warn("standby: {} is not reachable now ({}); serving the registry mirrored last", config.of(),
                    e.getMessage());
        }
        return follower;
    }

    private static String origin(String url) {
        java.net.URI uri = java.net.URI.create(url);
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    /** mDNS in the background (it can take a second); only where the LAN can reach us. */
    private void announceOnTheLan(Config config) throws UnknownHostException {
        if (!config.discovery().mdns() || InetAddress.getByName(config.http().bind()).isLoopbackAddress()) {
            return;
        }
        java.util.concurrent.atomic.AtomicReference<Discovery> announced = new java.util.concurrent.atomic.AtomicReference<>();
        opened.push(() -> {
            Discovery d = announced.getAndSet(null);
            if (d != null) {
                d.close();
            }
        });
        Thread thread = new Thread(() -> {
            try {
                InetAddress address = LanAddress.find(config.http().bind()).orElse(null);
                if (address == null) {
                    LOG.info("no LAN address to announce on (mDNS)");
                    return;
                }
                String host = InetAddress.getLocalHost().getHostName();
                Map<String, String> txt = new LinkedHashMap<>();
                txt.put("host", host);
                txt.put("url", "https://" + address.getHostAddress() + ":" + web.port() + "/");
                txt.put("version", Version.get());
                txt.put("ca", tls == null ? "" : tls.fingerprintSha256());
                announced.set(Discovery.announce(address, "sitewatch " + host, web.port(), txt));
            } catch (java.io.IOException e) {
                LOG.warn("cannot announce on the LAN (mDNS): {}", e.getMessage());
            }
        }, "mdns");
        thread.setDaemon(true);
        thread.start();
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

    public RecordingArchive recordings() {
        return recordings;
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

    /** The admin API's loopback HTTP port ({@code admin.http-port}), or 0 when it has none. */
    public int adminHttpPort() {
        return admin.httpPort();
    }

    /** The CA file to install on devices, when the appliance made its own certificate. */
    public Optional<Path> caFile() {
        return tls == null ? Optional.empty() : tls.caPemFile();
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

    /** The URL other devices use: a name the certificate covers other than localhost, when there is one. */
    public String deviceUrl() {
        if (tls == null) {
            return baseUrl();
        }
        String host = HostNames.deviceHost(tls.subjectAltNames());
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + (web.port() == 443 ? "" : ":" + web.port());
    }

    private Status status(Clock clock, DiskUsage disk) {
        long dropped = store instanceof SqliteStore sqlite ? sqlite.droppedEvents() : 0;
        DiskUsage.Figures figures = disk.measure();
        return new Status(Version.get(), startedAt, Duration.between(startedAt, clock.instant()).toSeconds(),
                dataDir.toString(), baseUrl(), deviceUrl(), web.tls(), web.port(), web.redirectPort(),
                admin.socket().toString(), core.sessionCounts(), registry.sites().size(), registry.operators().size(),
                dropped, figures.usedBytes(), figures.freeBytes(), figures.totalBytes(),
                standby == null ? null : standby.state().primary(), standby == null ? null : standby.state().lastSync(),
                standby == null ? null : standby.state().lastError(), ProcessFigures.cpuSeconds(),
                ProcessFigures.rssBytes());
    }

    private Optional<CaCertificate> caCertificate() {
        Optional<Path> file = caFile();
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CaCertificate(Files.readString(file.get()), tls.fingerprintSha256()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.get(), e);
        }
    }

    private Diagnostics diagnostics(Config config) {
        return new Diagnostics(store.integrityProblems(), configFile == null ? null : configFile.toString(),
                config.http().bind(), web.tls(), config.ice().stun(), config.ice().turn(),
                config.admin().socketGroup());
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

    private static Registry.LiveEffects liveEffects(SignalCore core) {
        return new Registry.LiveEffects() {
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

            @Override
            public void siteChanged(Site site) {
                core.siteChanged(site.id(), site.name(), site.group());
            }

            @Override
            public void operatorChanged(Operator operator) {
                core.operatorChanged(operator.name(), operator.groups());
            }

            @Override
            public void roomDefined(String name, Integer capacity, boolean shared) {
                core.defineRoom(name, capacity, shared);
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
