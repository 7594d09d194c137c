package io.sitewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.Appliance;
import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.appliance.registry.Registry;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sitewatch recordings ...} against a real appliance holding chunks uploaded over HTTP. */
class RecordingsCliIT {

    static final String RECENT = "rec-recent-0000000001";
    static final String OLD = "rec-old-0000000000001";

    @TempDir
    Path dataDir;
    Appliance appliance;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ByteArrayOutputStream recent = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        appliance = Appliance.start(dataDir, ConfigLoader.load(null, Map.of(), Map.of("http.tls", "false",
                "http.bind", "127.0.0.1", "http.http-port", "0", "auth.password-iterations", "1000",
                "recordings.max-age-days", "30")), Clock.systemUTC());
        String w1 = appliance.registry().addSite(new Registry.SiteSpec("w1", null, null, null)).token();
        String w2 = appliance.registry().addSite(new Registry.SiteSpec("w2", null, null, null)).token();
        Instant now = Instant.now().minusSeconds(60);
        for (int seq = 0; seq < 3; seq++) {
            byte[] body = ("chunk " + seq + " ").repeat(1000 + seq).getBytes(StandardCharsets.UTF_8);
            upload(w1, RECENT, seq, now.plusSeconds(seq * 10L), body);
            recent.write(body);
        }
        upload(w2, OLD, 0, now.minus(Duration.ofDays(40)), "old".repeat(500).getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        appliance.close();
    }

    void upload(String token, String recording, int seq, Instant startedAt, byte[] body) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(appliance.baseUrl() + "/api/recordings/"
                        + recording + "/chunks/" + seq + "?startedAt=" + startedAt.toEpochMilli()
                        + "&durationMs=10000&sha256=" + sha)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "video/webm").PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    CliIT.Result run(String... args) {
        return CliIT.runIn(dataDir, args);
    }

    @Test
    void listFiltersBySiteAndTimeAndShowListsTheChunks() throws Exception {
        CliIT.Result all = run("recordings", "list", "--json");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.json()).extracting(r -> r.get("id").asText()).containsExactly(OLD, RECENT);
        assertThat(run("recordings", "list", "--site", "w1", "--json").json()).hasSize(1);
        assertThat(run("recordings", "list", "--since", "7d", "--json").json())
                .extracting(r -> r.get("id").asText()).containsExactly(RECENT);
        assertThat(run("recordings", "list", "--until", Instant.now().minus(Duration.ofDays(10)).toString(), "--json")
                .json()).extracting(r -> r.get("id").asText()).containsExactly(OLD);
        assertThat(run("recordings", "list").out()).contains("RECORDING", "SITE", RECENT, "w1", "0m30s");

        JsonNode shown = run("recordings", "show", RECENT, "--json").json();
        assertThat(shown.get("recording").get("chunks").asInt()).isEqualTo(3);
        assertThat(shown.get("chunks")).extracting(c -> c.get("seq").asInt()).containsExactly(0, 1, 2);
        assertThat(run("recordings", "show", RECENT).out()).contains("site:      w1", "SHA-256", "0 missing");

        CliIT.Result missing = run("recordings", "show", "rec-nothing-00000000000");
        assertThat(missing.exit()).isEqualTo(Main.REFUSED);
        assertThat(missing.err()).contains("no recording");
        CliIT.Result badTime = run("recordings", "list", "--since", "last tuesday");
        assertThat(badTime.exit()).isNotZero();
        assertThat(badTime.err()).contains("is not a time");
    }

    @Test
    void exportWritesTheChunksConcatenatedInOrder() throws Exception {
        Path file = dataDir.resolve("out.webm");
        CliIT.Result exported = run("recordings", "export", RECENT, "--to", file.toString(), "--json");
        assertThat(exported.exit()).as(exported.err()).isZero();
        assertThat(exported.json().get("bytes").asLong()).isEqualTo(recent.size());
        assertThat(Files.readAllBytes(file)).isEqualTo(recent.toByteArray());
        assertThat(dataDir.resolve("out.webm.partial")).doesNotExist();

        CliIT.Result unknown = run("recordings", "export", "rec-nothing-00000000000", "--to", file.toString());
        assertThat(unknown.exit()).isEqualTo(Main.REFUSED);
        assertThat(Files.readAllBytes(file)).isEqualTo(recent.toByteArray());
    }

    @Test
    void verifyPassesUntilAFileChangesThenNamesItAndFails() throws Exception {
        CliIT.Result clean = run("recordings", "verify", "--json");
        assertThat(clean.exit()).as(clean.err()).isZero();
        assertThat(clean.json().get("checked").asInt()).isEqualTo(4);
        assertThat(clean.json().get("mismatches")).isEmpty();

        Path chunk = dataDir.resolve(Appliance.RECORDINGS).resolve("w1").resolve(RECENT).resolve("0000001.webm");
        byte[] bytes = Files.readAllBytes(chunk);
        bytes[10] ^= 1;
        Files.write(chunk, bytes);

        CliIT.Result dirty = run("recordings", "verify");
        assertThat(dirty.exit()).isEqualTo(Main.REFUSED);
        assertThat(dirty.out()).contains("HASH", "w1/" + RECENT + "/0000001.webm", "checked 4 chunks", "1 mismatches");
        assertThat(dirty.err()).contains("1 chunk files do not match the index");
        JsonNode json = run("recordings", "verify", "--json").json();
        assertThat(json.get("mismatches").get(0).get("problem").asText()).isEqualTo("hash");
    }

    @Test
    void pruneAppliesRetentionAndADryRunOnlyReports() throws Exception {
        JsonNode dry = run("recordings", "prune", "--dry-run", "--json").json();
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(dry.get("chunks").asInt()).isEqualTo(1);
        assertThat(dry.get("byAge").asInt()).isEqualTo(1);
        assertThat(run("recordings", "list", "--json").json()).hasSize(2);

        CliIT.Result pruned = run("recordings", "prune");
        assertThat(pruned.exit()).as(pruned.err()).isZero();
        assertThat(pruned.out()).contains("removed 1 chunks", "1 whole recordings", "1 by age");
        assertThat(run("recordings", "list", "--json").json()).extracting(r -> r.get("id").asText())
                .containsExactly(RECENT);
        assertThat(dataDir.resolve(Appliance.RECORDINGS).resolve("w2")).doesNotExist();
        assertThat(run("recordings", "prune", "--json").json().get("chunks").asInt()).isZero();
    }
}
