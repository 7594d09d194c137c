package io.sitewatch.cli.loadtest;

import io.sitewatch.appliance.admin.dto.AdminDto.CaCertificate;
import io.sitewatch.appliance.admin.dto.AdminDto.EnrolledSite;
import io.sitewatch.appliance.admin.dto.AdminDto.GroupRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.IssuedToken;
import io.sitewatch.appliance.admin.dto.AdminDto.OperatorRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.Status;
import io.sitewatch.appliance.admin.dto.AdminDto.TokenRequest;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A running appliance reached through its admin API. Everything provisioned carries the run's prefix
 * ({@code loadtest-<run>}), lives in its own group and is removed again by {@link #close()}.
 */
public final class AdminTarget implements Target {

    private static final int IMPORT_BATCH = 2000;

    private final AdminClient admin;
    private final Status status;
    private final String run;
    private final Deque<Runnable> undo = new ConcurrentLinkedDeque<>();
    private final SslContextFactory.Client tls;
    private final Consumer<String> warnings;

    /** @param warnings where clean-up problems are told (one line each) */
    public AdminTarget(AdminClient admin, Consumer<String> warnings) throws AdminException {
        this.admin = admin;
        this.warnings = warnings;
        this.status = admin.get("/v1/status", Status.class);
        this.run = "loadtest-" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36)
                + Integer.toString(new SecureRandom().nextInt(1296), 36);
        this.tls = status.tls() ? trust() : null;
    }

    @Override
    public URI base() {
        String url = status.baseUrl();
        return URI.create(url.replaceFirst("^http", "ws"));
    }

    @Override
    public SslContextFactory.Client tls() {
        return tls;
    }

    @Override
    public Figures figures() {
        try {
            Status now = admin.get("/v1/status", Status.class);
            return new Figures(now.cpuSeconds(), now.rssBytes());
        } catch (AdminException e) {
            return new Figures(-1, -1);
        }
    }

    @Override
    public Fleet provision(int sites, int operators, Duration ttl) {
        try {
            admin.post("/v1/groups", new GroupRequest(run), Object.class);
            undo.push(() -> quietly(() -> admin.delete("/v1/groups/" + run)));
            List<Dialect.Identity> siteIds = new ArrayList<>();
            for (int from = 0; from < sites; from += IMPORT_BATCH) {
                List<SiteRequest> batch = new ArrayList<>();
                for (int i = from; i < Math.min(sites, from + IMPORT_BATCH); i++) {
                    batch.add(new SiteRequest(run + "-s" + i, "load test site " + i, "loadtest", run));
                }
                EnrolledSite[] enrolled = admin.post("/v1/sites/import", batch, EnrolledSite[].class);
                for (EnrolledSite e : enrolled) {
                    undo.push(() -> quietly(() -> admin.delete("/v1/sites/" + e.site().id())));
                    siteIds.add(new Dialect.Identity(e.site().id(), e.token()));
                }
            }
            List<Dialect.Identity> operatorIds = new ArrayList<>();
            long minutes = Math.max(1, ttl.toMinutes());
            for (int i = 0; i < operators; i++) {
                String name = run + "-o" + i;
                admin.post("/v1/operators", new OperatorRequest(name, password(), List.of(run)), Object.class);
                undo.push(() -> quietly(() -> admin.delete("/v1/operators/" + name)));
                IssuedToken token = admin.post("/v1/operators/" + name + "/token", new TokenRequest(minutes),
                        IssuedToken.class);
                operatorIds.add(new Dialect.Identity(name, token.token()));
            }
            return new Fleet(run, siteIds, operatorIds);
        } catch (AdminException e) {
            throw new IllegalStateException("cannot provision the load test's sites and operators: "
                    + e.getMessage(), e);
        }
    }

    /** Removes operators, then sites, then the group (the reverse of provisioning). */
    @Override
    public void close() {
        for (Runnable step = undo.poll(); step != null; step = undo.poll()) {
            step.run();
        }
    }

    /** The appliance's own CA, when it made one; otherwise the JVM's trusted CAs (a user-supplied certificate). */
    private SslContextFactory.Client trust() throws AdminException {
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        try {
            CaCertificate ca = admin.get("/v1/cert/ca", CaCertificate.class);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("sitewatch-ca", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(ca.pem().getBytes(StandardCharsets.US_ASCII))));
            ssl.setTrustStore(store);
        } catch (AdminException.Refused e) {
            return ssl;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new AdminException("cannot read the appliance's CA: " + e.getMessage());
        }
        return ssl;
    }

    private static String password() {
        byte[] raw = new byte[18];
        new SecureRandom().nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    @FunctionalInterface
    private interface AdminCall {
        void run() throws AdminException;
    }

    private void quietly(AdminCall call) {
        try {
            call.run();
        } catch (AdminException e) {
            warnings.accept("clean-up: " + e.getMessage());
        }
    }
}
