package io.sitewatch.bench.abc;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sitewatch.appliance.admin.AdminServer;
import io.sitewatch.appliance.admin.dto.AdminDto.EnrolledSite;
import io.sitewatch.appliance.admin.dto.AdminDto.IssuedToken;
import io.sitewatch.appliance.admin.dto.AdminDto.OperatorRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.OperatorView;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.TokenRequest;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.SocketTransport;
import io.sitewatch.cli.loadtest.Dialect;
import io.sitewatch.cli.loadtest.Peer;
import io.sitewatch.cli.loadtest.SitewatchDialect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The product: {@code java -jar sitewatch.jar serve --no-tls} on a fresh data directory, its
 * sites and one operator enrolled through the admin socket as an admin would. Site sessions
 * are the site-like clients; the operator's sessions (tabs) watch their sites before relaying.
 */
final class ApplianceContender extends Contender {

    private static final int IMPORT_CHUNK = 1_000;
    private static final String OPERATOR = "bench";

    private final Path jar;
    private final Path dataDir;
    private final List<String> jvmOptions;
    private final SitewatchDialect dialect = new SitewatchDialect();
    private final List<String> siteTokens = new ArrayList<>();
    private String operatorToken;

    ApplianceContender(int port, Path workDir, Path jar, List<String> jvmOptions) {
        super("sitewatch", port, workDir);
        this.jar = jar;
        this.dataDir = workDir.resolve("sitewatch-data");
        this.jvmOptions = jvmOptions;
    }

    @Override
    List<String> command() {
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString(), "serve", "--no-tls", "--bind", "127.0.0.1",
                "--http-port", Integer.toString(port), "--data-dir", dataDir.toString()));
        return cmd;
    }

    @Override
    String healthPath() {
        return "/healthz";
    }

    @Override
    Dialect dialect() {
        return dialect;
    }

    @Override
    boolean jvm() {
        return true;
    }

    @Override
    void provision(int sites) throws Exception {
        try (AdminClient admin = new AdminClient(new SocketTransport(dataDir.resolve(AdminServer.SOCKET_NAME)))) {
            for (int from = 0; from < sites; from += IMPORT_CHUNK) {
                List<SiteRequest> chunk = new ArrayList<>();
                for (int i = from; i < Math.min(sites, from + IMPORT_CHUNK); i++) {
                    chunk.add(new SiteRequest("s" + i, "Site " + i, "bench", null));
                }
                List<EnrolledSite> enrolled = admin.post("/v1/sites/import", chunk,
                        new TypeReference<List<EnrolledSite>>() {});
                enrolled.forEach(e -> siteTokens.add(e.token()));
            }
            admin.post("/v1/operators", new OperatorRequest(OPERATOR, "bench-password-" + System.nanoTime(), null),
                    OperatorView.class);
            operatorToken = admin.post("/v1/operators/" + OPERATOR + "/token", new TokenRequest(60L),
                    IssuedToken.class).token();
        }
    }

    @Override
    Dialect.Identity site(String phase, int i) {
        return new Dialect.Identity("s" + i, siteTokens.get(i));
    }

    @Override
    Dialect.Identity operator(String phase, int i) {
        return new Dialect.Identity(OPERATOR, operatorToken);
    }

    /** Each operator session watches its sites and waits for their {@code control} (protocol.md, Watching). */
    @Override
    void connect(List<Peer> operators, List<List<Integer>> sitesOf) throws Exception {
        AtomicInteger controls = new AtomicInteger();
        int expected = 0;
        for (int i = 0; i < operators.size(); i++) {
            operators.get(i).onOther(other -> {
                if ("control".equals(other.type())) {
                    controls.incrementAndGet();
                }
            });
            List<String> ids = sitesOf.get(i).stream().map(s -> "s" + s).toList();
            expected += ids.size();
            operators.get(i).send(dialect.watch(ids));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (controls.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (controls.get() < expected) {
            throw new IllegalStateException("watch confirmed for " + controls.get() + " of " + expected + " sites");
        }
    }
}
