package io.sitewatch.appliance.standby;

import io.sitewatch.appliance.backup.BackupArchive;
import io.sitewatch.appliance.backup.BackupException;
import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.registry.Registry;
import io.sitewatch.appliance.store.RegistryData;
import io.sitewatch.appliance.store.sqlite.SqliteStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standby's side of the pair: every few seconds it fetches the primary's online backup (the
 * same archive {@code sitewatch backup} makes) over an authenticated, CA-pinned connection and
 * mirrors the registry from it; at start it also takes the primary's CA, so devices that trust
 * the primary trust the standby. Sessions, control and recordings are not carried over.
 */
public final class StandbyFollower implements AutoCloseable {

    /** What the admin sees of the pair. */
    public record State(String primary, Instant lastSync, String lastError) {}

    private static final Logger LOG = LoggerFactory.getLogger(StandbyFollower.class);
    private static final long TIMEOUT_SECONDS = 30;
    private static final String[] CA_FILES = {"ca.pem", "ca-key.pem"};

    private final Config.Standby config;
    private final Path dataDir;
    private final Registry registry;
    private final Clock clock;
    private final HttpClient http;
    private volatile Instant lastSync;
    private volatile String lastError;

    public StandbyFollower(Config.Standby config, Path dataDir, Registry registry, Clock clock) throws Exception {
        this.config = config;
        this.dataDir = dataDir;
        this.registry = registry;
        this.clock = clock;
        ClientConnector connector = new ClientConnector();
        if (config.of().startsWith("https://")) {
            SslContextFactory.Client tls = new SslContextFactory.Client();
            tls.setSslContext(PinnedCa.context(config.caFingerprint()));
            tls.setEndpointIdentificationAlgorithm(null); // the pinned CA is the anchor, not the name used
            connector.setSslContextFactory(tls);
        }
        http = new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector));
        http.start();
        registry.followPrimary(config.of());
    }

    /** Fetches and mirrors once; at start also installs the primary's CA where this standby has none yet. */
    public void sync(boolean atStart) throws IOException {
        Path work = Files.createTempDirectory(dataDir, ".standby-");
        try {
            Path archive = work.resolve("snapshot.zip");
            download(archive);
            try (ZipFile zip = new ZipFile(archive.toFile())) {
                BackupArchive.verify(zip, archive);
                Path database = work.resolve("sitewatch.db");
                extract(zip, BackupArchive.DATABASE, database);
                RegistryData copy;
                try (SqliteStore snapshot = SqliteStore.open(database)) {
                    copy = snapshot.registry();
                }
                registry.mirror(copy);
                takeCa(zip, atStart);
            }
            if (lastError != null || lastSync == null) {
                LOG.info("standby: registry mirrored from {}", config.of());
            }
            lastSync = clock.instant();
            lastError = null;
        } catch (BackupException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            delete(work);
        }
    }

    /** Syncs on a timer; failures are logged once when they start and once when they end. */
    public void syncQuietly() {
        try {
            sync(false);
        } catch (IOException | RuntimeException e) {
            String error = e.getMessage();
            if (lastError == null) {
                LOG.warn("standby: cannot mirror {}: {}", config.of(), error);
            }
            lastError = error == null ? e.toString() : error;
        }
    }

    public State state() {
        return new State(config.of(), lastSync, lastError);
    }

    private void download(Path target) throws IOException {
        InputStreamResponseListener listener = new InputStreamResponseListener();
        http.newRequest(config.of() + "/api/peer/snapshot")
                .headers(h -> h.put("Authorization", "Bearer " + config.secret()))
                .idleTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).send(listener);
        try {
            Response response = listener.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            try (InputStream in = listener.getInputStream()) {
                if (response.getStatus() != 200) {
                    throw new IOException("the primary answered " + response.getStatus()
                            + (response.getStatus() == 401 ? " (standby.secret differs)" : ""));
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("cannot reach " + config.of() + ": " + cause.getMessage(), cause);
        }
    }

    /** The primary's CA: installed at start if this standby has none or another; later only reported. */
    private void takeCa(ZipFile zip, boolean atStart) throws IOException {
        Path tls = dataDir.resolve("tls");
        for (String name : CA_FILES) {
            ZipEntry entry = zip.getEntry("data/tls/" + name);
            if (entry == null) {
                return; // the primary serves a certificate of the admin's: nothing to share
            }
            byte[] theirs;
            try (InputStream in = zip.getInputStream(entry)) {
                theirs = in.readAllBytes();
            }
            Path ours = tls.resolve(name);
            if (Files.exists(ours) && Arrays.equals(theirs, Files.readAllBytes(ours))) {
                continue;
            }
            if (!atStart) {
                LOG.warn("standby: the primary's CA changed; restart this standby to serve with it");
                return;
            }
            if (!Files.isDirectory(tls)) {
                Files.createDirectories(tls, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Path temp = tls.resolve(name + ".tmp");
            Files.write(temp, theirs);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(
                    name.contains("key") ? "rw-------" : "rw-r--r--"));
            Files.move(temp, ours, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            // A server certificate from another CA must be issued anew from the primary's.
            Files.deleteIfExists(tls.resolve("server.p12"));
            LOG.info("standby: took the primary's CA ({}) so devices trust this standby too", name);
        }
    }

    private static void extract(ZipFile zip, String name, Path target) throws IOException {
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            Files.copy(in, target);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot clean {}: {}", dir, e.toString());
        }
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            LOG.debug("standby client did not stop cleanly: {}", e.toString());
        }
    }
}
