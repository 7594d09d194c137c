package io.sitewatch.cli.doctor;

import io.sitewatch.appliance.Version;
import io.sitewatch.appliance.admin.AdminServer;
import io.sitewatch.appliance.admin.dto.AdminDto.Diagnostics;
import io.sitewatch.appliance.admin.dto.AdminDto.Status;
import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.config.ConfigException;
import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.appliance.store.sqlite.SqliteFiles;
import io.sitewatch.appliance.tls.HostNames;
import io.sitewatch.appliance.tls.TlsException;
import io.sitewatch.appliance.tls.TlsMaterial;
import io.sitewatch.appliance.tls.TlsSettings;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import io.sitewatch.cli.client.SocketTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code sitewatch doctor}: what is wrong with this box, each finding with a one-line fix. Asks the running
 * appliance through its admin socket where it can; reads the data directory and the config file when it is
 * stopped, never writing anything.
 */
public final class Doctor {

    static final Duration RENEW_WARNING = Duration.ofDays(30);
    static final long LOW_DISK = 2L << 30;
    static final long FULL_DISK = 256L << 20;

    /** How many bytes are free and in all on the file system holding a directory. */
    @FunctionalInterface
    public interface DiskSpace {
        long[] usableAndTotal(Path dir) throws IOException;

        static DiskSpace system() {
            return dir -> {
                FileStore store = Files.getFileStore(dir);
                return new long[] {store.getUsableSpace(), store.getTotalSpace()};
            };
        }
    }

    /** The outside world as the doctor sees it; tests replace parts. */
    public record Probes(Clock clock, DiskSpace disk, Supplier<Set<String>> requiredNames, Duration stunWait,
                         int stunTries, Path packagedUnit) {
        public static Probes system() {
            return new Probes(Clock.systemUTC(), DiskSpace.system(), HostNames::requiredNames, Duration.ofMillis(1500),
                    2, Path.of("/lib/systemd/system/sitewatch.service"));
        }
    }

    /** @param operatorUrl where operators log in from other devices, when the appliance runs */
    public record Report(String dataDir, boolean running, String operatorUrl, List<Finding> findings) {
        public boolean failed() {
            return findings.stream().anyMatch(f -> f.level() == Finding.Level.FAIL);
        }
    }

    private final Probes probes;

    public Doctor(Probes probes) {
        this.probes = probes;
    }

    public Report examine(Path dataDir, Path configFile) {
        Path dir = dataDir.toAbsolutePath().normalize();
        List<Finding> findings = new ArrayList<>();
        Status status = null;
        Diagnostics diagnostics = null;
        try (AdminClient client = new AdminClient(new SocketTransport(dir.resolve(AdminServer.SOCKET_NAME)))) {
            status = client.get("/v1/status", Status.class);
            diagnostics = client.get("/v1/diagnostics", Diagnostics.class);
            findings.add(Finding.ok("service", "sitewatch " + status.version() + " running for "
                    + Checks.duration(Duration.ofSeconds(status.uptimeSeconds()))));
        } catch (AdminException.Denied e) {
            findings.add(Finding.fail("service", e.getMessage(), "join the appliance's group: sudo adduser $USER "
                    + "sitewatch, then log in again (or run doctor with sudo)"));
        } catch (AdminException e) {
            findings.add(Finding.fail("service", "not running (" + e.getMessage() + ")", startFix(dir)));
        }
        Config config = null;
        if (status == null) {
            try {
                config = ConfigLoader.load(configFile, System.getenv(), Map.of());
                findings.add(Finding.ok("config", configFile != null && Files.isRegularFile(configFile)
                        ? configFile + " is valid" : "no config file; built-in defaults"));
            } catch (ConfigException e) {
                findings.add(Finding.fail("config", e.getMessage(), "correct " + configFile
                        + "; sitewatch refuses to start with it"));
            }
        }
        Optional<X509Certificate> certificate = Optional.empty();
        boolean generated;
        if (status != null) {
            String host = Checks.localHost(diagnostics.bind());
            WebProbe.Result web = WebProbe.healthz(host, status.port(), status.tls());
            findings.add(Checks.web(web, host, status.port(), status.tls()));
            if (status.tls() && status.redirectPort() > 0) {
                findings.add(Checks.redirect(WebProbe.listening(host, status.redirectPort()), status.redirectPort()));
            }
            certificate = web.chain().stream().findFirst();
            generated = web.chain().size() > 1 && web.chain().get(1).getSubjectX500Principal().getName()
                    .contains("sitewatch CA");
            if (status.tls() && certificate.isEmpty()) {
                findings.add(Finding.skip("certificate", "not seen: the HTTPS port did not answer"));
            }
        } else {
            generated = config == null || (config.tls().keystore().isEmpty() && config.tls().certificate().isEmpty());
            if (config != null) {
                findings.addAll(Checks.portsWhileStopped(config.http()));
                if (config.http().tls()) {
                    certificate = certificateOnDisk(dir, config, findings);
                }
            }
        }
        certificate.ifPresent(c -> findings.addAll(Checks.certificate(c, generated, probes.clock().instant(),
                probes.requiredNames().get())));
        findings.add(Checks.clock(probes.clock().instant(), Version.built()));
        findings.add(disk(dir));
        findings.add(Permissions.check(dir, status != null ? diagnostics.socketGroup()
                : config == null ? "" : config.admin().socketGroup()));
        List<String> stun = status != null ? diagnostics.stun() : config == null ? List.of() : config.ice().stun();
        List<String> turn = status != null ? diagnostics.turn() : config == null ? List.of() : config.ice().turn();
        findings.addAll(ice(stun, turn));
        findings.add(status != null ? Checks.database(diagnostics.databaseProblems())
                : databaseOnDisk(dir.resolve("sitewatch.db")));
        String url = status == null ? null : Checks.operatorUrl(probes.requiredNames().get(), status.port(),
                status.tls());
        return new Report(dir.toString(), status != null, url, findings);
    }

    private String startFix(Path dir) {
        return Files.exists(probes.packagedUnit()) ? "sudo systemctl start sitewatch; if it stops again: journalctl "
                + "-u sitewatch -n 50" : "start it: sitewatch serve --data-dir " + dir;
    }

    private Optional<X509Certificate> certificateOnDisk(Path dir, Config config, List<Finding> findings) {
        Config.Tls t = config.tls();
        try {
            Optional<X509Certificate> found = TlsMaterial.currentCertificate(dir,
                    new TlsSettings(t.keystore(), t.keystorePassword(), t.certificate(), t.privateKey()));
            if (found.isEmpty()) {
                findings.add(Finding.info("certificate", "none yet: the appliance creates its CA and certificate "
                        + "at first start", null));
            }
            return found;
        } catch (TlsException e) {
            findings.add(Finding.skip("certificate", "cannot read it as " + System.getProperty("user.name") + ": "
                    + e.getMessage() + " (run doctor with sudo, or while the service runs)"));
            return Optional.empty();
        }
    }

    private Finding disk(Path dir) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            long[] space = probes.disk().usableAndTotal(existing == null ? dir : existing);
            return Checks.disk(space[0], space[1]);
        } catch (IOException e) {
            return Finding.skip("disk", "cannot read the free space of " + dir + ": " + e.getMessage());
        }
    }

    private List<Finding> ice(List<String> stun, List<String> turn) {
        List<Finding> findings = new ArrayList<>();
        if (stun.isEmpty()) {
            findings.add(Finding.warn("stun", "no STUN servers configured: only devices on this network can connect",
                    "list one in ice.stun, e.g. stun = [\"stun:stun.l.google.com:19302\"]"));
        }
        for (String url : stun) {
            findings.add(reach("stun", url));
        }
        if (turn.isEmpty()) {
            findings.add(Finding.info("turn", "no TURN server: fine on one network; sites behind strict NAT or "
                    + "firewalls cannot connect", "run a TURN server (coturn) and set ice.turn and ice.turn-secret"));
        }
        for (String url : turn) {
            findings.add(reach("turn", url));
        }
        return findings;
    }

    /** A STUN Binding request to a STUN or TURN server (TURN servers answer them too). */
    private Finding reach(String check, String url) {
        if (url.startsWith("stuns:") || url.startsWith("turns:") || url.contains("transport=tcp")) {
            return Finding.skip(check, url + ": only UDP servers are probed");
        }
        InetSocketAddress server;
        try {
            server = StunProbe.parse(url);
        } catch (RuntimeException e) {
            return Finding.fail(check, "cannot read " + url, "write it as " + check + ":host:port");
        }
        try {
            Optional<StunProbe.Answer> answer = StunProbe.probe(server, probes.stunWait(), probes.stunTries());
            if (answer.isEmpty()) {
                return Finding.warn(check, url + " did not answer within "
                        + probes.stunWait().multipliedBy(probes.stunTries()).toMillis() + " ms", "allow outgoing UDP"
                        + " to " + server.getHostString() + ":" + server.getPort() + ", or list a reachable server");
            }
            return Finding.ok(check, url + " answered in " + answer.get().roundTrip().toMillis() + " ms"
                    + answer.get().mappedAddress().map(a -> "; this box appears as " + a).orElse(""));
        } catch (UnknownHostException e) {
            return Finding.skip(check, url + ": cannot resolve " + server.getHostString()
                    + " (offline?); not checked");
        } catch (IOException e) {
            return Finding.warn(check, url + ": " + e.getMessage(), "check this box's network and firewall");
        }
    }

    private static Finding databaseOnDisk(Path file) {
        if (!Files.exists(file)) {
            return Finding.info("database", "none yet: created at first start", null);
        }
        if (!Files.isReadable(file)) {
            return Finding.skip("database", "cannot read " + file + " as " + System.getProperty("user.name")
                    + " (run doctor with sudo, or while the service runs)");
        }
        SqliteFiles.Check check = SqliteFiles.check(file);
        return check.sound() ? Finding.ok("database", "integrity ok, schema version " + check.schemaVersion() + ", "
                + check.sites() + " sites, " + check.operators() + " operators")
                : Checks.database(check.problems());
    }
}
