package io.sitewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.Appliance;
import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.appliance.registry.Registry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sitewatch loadtest} against a real appliance: short runs, small fleets, every credential removed after. */
class LoadtestIT {

    @TempDir
    Path dataDir;
    Appliance appliance;

    @BeforeEach
    void start() throws Exception {
        appliance = Appliance.start(dataDir, ConfigLoader.load(null, Map.of(), Map.of("http.tls", "false",
                "http.bind", "127.0.0.1", "http.http-port", "0", "auth.password-iterations", "1000")),
                Clock.systemUTC());
        appliance.registry().addSite(new Registry.SiteSpec("yard-1", "North yard", null, null));
    }

    @AfterEach
    void stop() {
        appliance.close();
    }

    @Test
    void aLatencyRunRelaysEveryMessageAndLeavesNothingBehind() throws Exception {
        CliIT.Result run = CliIT.runIn(dataDir, "loadtest", "latency", "--sites", "10", "--operators", "4",
                "--watch", "5", "--rate", "200", "--duration", "2s", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode r = run.json();
        assertThat(r.path("mode").asText()).isEqualTo("latency");
        assertThat(r.path("target").asText()).isEqualTo(appliance.baseUrl().replace("http", "ws"));
        assertThat(r.path("setup").path("pairs").asInt()).isEqualTo(20);
        assertThat(r.path("sessions").path("opened").asLong()).isEqualTo(14);
        assertThat(r.path("sessions").path("helloToWelcome").path("count").asLong()).isEqualTo(14);
        JsonNode relay = r.path("relay");
        assertThat(relay.path("sent").asLong()).isGreaterThan(0);
        assertThat(relay.path("received").asLong()).isEqualTo(relay.path("sent").asLong());
        assertThat(relay.path("lost").asLong()).isZero();
        assertThat(relay.path("perSecond").asDouble()).isGreaterThan(0);
        JsonNode latency = relay.path("latency");
        assertThat(latency.path("count").asLong()).isEqualTo(relay.path("received").asLong());
        assertThat(List.of(latency.path("p50").asDouble(), latency.path("p99").asDouble(),
                latency.path("p999").asDouble(), latency.path("max").asDouble())).isSorted();
        assertThat(r.path("errors").size()).as(r.path("errors").toString()).isZero();
        assertThat(r.path("server").path("cpuPercent").asDouble()).isGreaterThan(0);
        assertThat(r.path("server").path("rssBytes").asLong()).isGreaterThan(0);
        assertThat(run.err()).contains("relay", "msg/s", "p99");
        assertNothingLeft();
    }

    @Test
    void aSoakRunClaimsJoinsRoomsAndRelaysAtOnce() throws Exception {
        CliIT.Result run = CliIT.runIn(dataDir, "loadtest", "soak", "--sites", "6", "--operators", "8", "--watch",
                "3", "--rate", "100", "--claims", "10", "--rooms", "--duration", "2s", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode r = run.json();
        assertThat(r.path("setup").path("rooms").asBoolean()).isTrue();
        assertThat(r.path("claims").path("sent").asLong()).isGreaterThan(0);
        assertThat(r.path("claims").path("controls").asLong()).isGreaterThan(0); // the sites and watchers hear
        assertThat(r.path("relay").path("lost").asLong()).isZero();
        assertThat(r.path("errors").size()).as(r.path("errors").toString()).isZero();
        assertNothingLeft();
    }

    @Test
    void aCapacityRunOpensItsTargetAndReportsMemoryPerSession() throws Exception {
        CliIT.Result run = CliIT.runIn(dataDir, "loadtest", "capacity", "--sessions", "60", "--open-rate", "300",
                "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode r = run.json();
        assertThat(r.path("mode").asText()).isEqualTo("capacity");
        assertThat(r.path("sessions").path("opened").asLong()).isEqualTo(60);
        assertThat(r.path("sessions").path("helloToWelcome").path("count").asLong()).isEqualTo(60);
        assertThat(r.path("sessions").path("helloToWelcome").path("p99").asDouble()).isGreaterThan(0);
        assertThat(r.path("sessions").path("openedPerSecond").asDouble()).isGreaterThan(0);
        assertThat(r.path("server").has("bytesPerSession")).isTrue();
        assertThat(r.path("limit").asText()).isEqualTo("reached the target of 60 sessions");
        assertThat(r.path("errors").size()).isZero();
        assertNothingLeft();
    }

    @Test
    void aThroughputRampStopsAtTheFirstFailingStepAndPrintsATable() throws Exception {
        // The appliance's per-session rate limit (100/s) is the wall here: 4 senders make it 400-800 msg/s.
        CliIT.Result run = CliIT.runIn(dataDir, "loadtest", "throughput", "--sites", "4", "--operators", "2",
                "--watch", "2", "--rate", "200", "--duration", "1s");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).containsSubsequence("mode", "throughput against ws://", "relay", "latency", "p99",
                "best", "msg/s", "server", "CPU", "errors", "limit", "RATE", "RECEIVED/S", "P99", "PASSED");
        List<String> steps = run.out().lines().dropWhile(l -> !l.startsWith("RATE")).skip(1).toList();
        assertThat(steps).isNotEmpty();
        assertThat(steps.get(steps.size() - 1)).endsWith("no");
        assertNothingLeft();
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsProvisioned() {
        CliIT.Result mode = CliIT.runIn(dataDir, "loadtest", "fastest");
        assertThat(mode.exit()).isEqualTo(2);
        assertThat(mode.err()).contains("unknown mode 'fastest'");

        CliIT.Result watch = CliIT.runIn(dataDir, "loadtest", "--sites", "2", "--watch", "3");
        assertThat(watch.exit()).isEqualTo(2);
        assertThat(watch.err()).contains("--watch");

        CliIT.Result set = CliIT.runIn(dataDir, "loadtest", "--set", "signal.rate-burst=9");
        assertThat(set.exit()).isEqualTo(1);
        assertThat(set.err()).contains("--set configures the appliance of --self");
        assertThat(appliance.registry().sites()).hasSize(1);
    }

    @Test
    void selfStartsAFreshApplianceOfItsOwn() throws Exception {
        CliIT.Result run = CliIT.runIn(dataDir, "loadtest", "capacity", "--self", "--sessions", "20", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode r = run.json();
        assertThat(r.path("sessions").path("opened").asLong()).isEqualTo(20);
        assertThat(r.path("target").asText()).isNotEqualTo(appliance.baseUrl().replace("http", "ws"));
        assertThat(appliance.core().sessionCounts().values()).containsOnly(0);
        assertThat(appliance.registry().sites()).hasSize(1);
    }

    private long tokensStored() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(Appliance.DATABASE));
             ResultSet count = db.createStatement().executeQuery("SELECT count(*) FROM tokens")) {
            return count.getLong(1);
        }
    }

    /** Only what the test registered remains: no load test site, operator, group, token or session. */
    private void assertNothingLeft() throws Exception {
        assertThat(appliance.registry().sites()).extracting(s -> s.id()).containsExactly("yard-1");
        assertThat(appliance.registry().operators()).isEmpty();
        assertThat(appliance.registry().groups()).containsExactly("default");
        assertThat(tokensStored()).isEqualTo(1); // yard-1's
        assertThat(appliance.core().sessionCounts().values()).containsOnly(0);
    }
}
