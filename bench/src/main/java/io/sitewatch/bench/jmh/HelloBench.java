package io.sitewatch.bench.jmh;

import io.sitewatch.appliance.auth.Passwords;
import io.sitewatch.appliance.registry.Directory;
import io.sitewatch.appliance.registry.Registry;
import io.sitewatch.appliance.store.Operator;
import io.sitewatch.appliance.store.Site;
import io.sitewatch.appliance.store.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The credential check of a {@code hello} against the real SQLite registry of 2,000 sites, and
 * a whole hello -> welcome -> close through the core. The password hash shows the scale of
 * the slow KDF a hello must never run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HelloBench {

    private static final int SITES = 2_000;

    private Path dir;
    private SqliteStore store;
    private Directory directory;
    private Fleet fleet;
    private final List<String> tokens = new ArrayList<>();
    private String passwordHash;
    private int next;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("sitewatch-hello-bench");
        store = SqliteStore.open(dir.resolve("sitewatch.db"));
        directory = new Directory(store.tokens(), Clock.systemUTC(), List.<Site>of(), List.<Operator>of());
        Registry registry = new Registry(store, directory, new NoEffects(), new Passwords(1_000),
                Duration.ofHours(1), Clock.systemUTC());
        List<Registry.SiteSpec> specs = new ArrayList<>();
        for (int i = 0; i < SITES; i++) {
            specs.add(new Registry.SiteSpec("s" + i, "Site " + i, "Hall " + i, "default"));
        }
        registry.importSites(specs).forEach(enrolled -> tokens.add(enrolled.token()));
        fleet = new Fleet(0, directory);
        passwordHash = new Passwords(210_000).hash("correct horse battery staple");
    }

    @TearDown
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private String nextToken() {
        next = (next + 7919) % SITES;
        return tokens.get(next);
    }

    @Benchmark
    public Object authenticate() {
        return directory.authenticate(nextToken()).orElseThrow();
    }

    @Benchmark
    public String helloWelcomeClose() {
        CountingLink link = new CountingLink();
        fleet.core.open(link);
        fleet.core.message(link, "{\"type\":\"hello\",\"token\":\"" + nextToken() + "\"}");
        fleet.core.closed(link, 1000);
        return link.first;
    }

    /** For scale only: the operator password check (PBKDF2, default iterations) at login. */
    @Benchmark
    @Measurement(iterations = 2, time = 1)
    @Warmup(iterations = 1, time = 1)
    public boolean passwordCheckForScale() {
        return Passwords.verify("correct horse battery staple", passwordHash);
    }

    private static final class NoEffects implements Registry.LiveEffects {
        @Override
        public void credentialRevoked(String credentialId) {}

        @Override
        public void siteRevoked(String siteId) {}

        @Override
        public void operatorRevoked(String name) {}

        @Override
        public void siteChanged(Site site) {}

        @Override
        public void operatorChanged(Operator operator) {}

        @Override
        public void roomDefined(String name, Integer capacity, boolean shared) {}
    }
}
