package io.sitewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.Appliance;
import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.cli.client.AdminClient;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-shot CLI against a real appliance in this JVM, through the admin socket. */
class CliIT {

    @TempDir
    Path dataDir;
    Appliance appliance;

    record Result(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return AdminClient.JSON.readTree(out);
        }
    }

    @BeforeEach
    void start() throws Exception {
        appliance = Appliance.start(dataDir, ConfigLoader.load(null, Map.of(), Map.of("http.tls", "false",
                "http.bind", "127.0.0.1", "http.http-port", "0", "auth.password-iterations", "1000")),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        appliance.close();
    }

    Result run(String... args) {
        return runIn(dataDir, args);
    }

    static Result runIn(Path dir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--data-dir";
        full[args.length + 1] = dir.toString();
        int exit = Main.run(args.length > 0 && args[0].equals("--help") ? args : full, new PrintWriter(out),
                new PrintWriter(err));
        return new Result(exit, out.toString(), err.toString());
    }

    Result withStdin(String input, String... args) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(original);
        }
    }

    @Test
    void helpListsTheCommands() {
        Result r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("serve", "shell", "status", "site", "operator", "sessions", "links", "control",
                "rooms", "watch", "kick", "release", "events", "cert", "config", "completion", "man", "Exit codes");
    }

    @Test
    void serveHasItsOwnSmallTreeWithTheSameHelpVersionAndErrors() {
        Result help = run("serve", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("Usage: sitewatch serve ").contains("--no-tls", "--data-dir", "--help");
        assertThat(run("serve", "--version").out()).startsWith("sitewatch ");

        Result bad = run("serve", "--no-such-flag");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("sitewatch: Unknown option: '--no-such-flag'; did you mean --no-tls? "
                + "(see 'sitewatch serve --help')\n");
    }

    @Test
    void siteAddPrintsAWorkingTokenOnceAndListShowsTheSite() throws Exception {
        Result added = run("site", "add", "yard-1", "--name", "North yard", "--location", "Gate 3");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).contains("yard-1", "kiosk URL", "/site/?token=");
        String token = added.out().lines().filter(l -> l.startsWith("  ")).findFirst().orElseThrow().strip();
        assertThat(appliance.credentials().authenticate(token)).isPresent();

        Result list = run("site", "list");
        assertThat(list.out()).contains("ID", "NAME", "yard-1", "North yard", "Gate 3", "offline");
        Result json = run("site", "list", "--json");
        assertThat(json.json().get(0).get("id").asText()).isEqualTo("yard-1");
        assertThat(json.json().get(0).has("token")).isFalse();

        Result addJson = run("site", "add", "yard-2", "--json");
        assertThat(addJson.json().get("token").asText()).startsWith("s");
        assertThat(run("site", "show", "yard-2", "--json").json().get("enabled").asBoolean()).isTrue();
    }

    @Test
    void disableEnableRenameRotateAndRemove() throws Exception {
        run("site", "add", "w1");
        assertThat(run("site", "disable", "w1").out()).contains("disabled");
        assertThat(run("site", "show", "w1", "--json").json().get("enabled").asBoolean()).isFalse();
        assertThat(run("site", "enable", "w1").exit()).isZero();
        assertThat(run("site", "rename", "w1", "West gate").exit()).isZero();
        assertThat(run("site", "show", "w1").out()).contains("West gate");
        String token = run("site", "rotate-token", "w1", "--json").json().get("token").asText();
        assertThat(appliance.credentials().authenticate(token)).isPresent();
        assertThat(run("site", "remove", "w1").exit()).isZero();
        assertThat(appliance.credentials().authenticate(token)).isEmpty();
    }

    @Test
    void importEnrolsAFleetFromCsvOrJsonLinesInOneTransaction() throws Exception {
        Path csv = dataDir.resolve("fleet.csv");
        Files.writeString(csv, "id,name,location,group\n" + IntStream.range(0, 10_000)
                .mapToObj(i -> "s" + i + ",Site " + i + ",\"Row " + i + ", east\",default")
                .collect(Collectors.joining("\n")));
        Result imported = run("site", "import", csv.toString(), "--json");
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.json()).hasSize(10_000); // a response well over the client's default buffer
        assertThat(imported.json().get(5).get("site").get("location").asText()).isEqualTo("Row 5, east");

        Path lines = dataDir.resolve("more.jsonl");
        Files.writeString(lines, "{\"id\":\"j1\",\"name\":\"J one\"}\n{\"id\":\"j2\"}\n");
        assertThat(run("site", "import", lines.toString()).out()).contains("2 sites enrolled");

        Path dup = dataDir.resolve("dup.jsonl");
        Files.writeString(dup, "{\"id\":\"new-1\"}\n{\"id\":\"s7\"}\n");
        Result refused = run("site", "import", dup.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("s7").doesNotContain("Exception").hasLineCount(1);
        assertThat(run("site", "show", "new-1").exit()).isEqualTo(1);
    }

    @Test
    void operatorsAndTokens() throws Exception {
        Result added = withStdin("s3cret-password\n", "operator", "add", "ann", "--password-stdin");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(appliance.registry().login("ann", "s3cret-password")).isPresent();
        Result token = run("operator", "token", "ann", "--ttl-minutes", "60", "--json");
        assertThat(appliance.credentials().authenticate(token.json().get("token").asText())).isPresent();
        assertThat(run("operator", "list").out()).contains("ann", "(all)");
        assertThat(withStdin("another-password\n", "operator", "passwd", "ann", "--password-stdin").exit()).isZero();
        assertThat(appliance.registry().login("ann", "another-password")).isPresent();
        assertThat(withStdin("short\n", "operator", "add", "bob", "--password-stdin").err())
                .contains("8-1024 characters");
        assertThat(run("operator", "remove", "ann").exit()).isZero();
        assertThat(appliance.credentials().authenticate(token.json().get("token").asText())).isEmpty();
    }

    @Test
    void roomsAreDefinedWithACapacityListedAndRemoved() throws Exception {
        assertThat(run("room", "add", "dispatch", "--capacity", "3").out()).contains("dispatch holds 3");
        assertThat(run("room", "add", "yard talk").exit()).isZero();
        assertThat(appliance.core().capacityOf("dispatch")).isEqualTo(3);
        assertThat(run("room", "list").out()).contains("dispatch", "yard talk", "ROOM", "CAPACITY");
        assertThat(run("room", "list", "--json").json().get("defined")).hasSize(2);
        assertThat(run("room", "add", "tiny", "--capacity", "1").err()).contains("2-64 members");
        assertThat(run("room", "remove", "yard talk").exit()).isZero();
        assertThat(run("room", "remove", "ghost").err()).contains("no room 'ghost'");
    }

    @Test
    void groupsMoveSitesAndRestrictOperators() throws Exception {
        assertThat(run("group", "add", "east").exit()).isZero();
        assertThat(run("group", "add", "east").err()).contains("exists");
        run("site", "add", "w1");
        assertThat(run("site", "move", "w1", "east").out()).contains("moved to east");
        assertThat(run("group", "list").out()).contains("east", "default");
        assertThat(run("group", "remove", "east").err()).contains("still has 1 site");
        withStdin("long-enough\n", "operator", "add", "ann", "--password-stdin", "--groups", "east");
        assertThat(run("operator", "set", "ann", "--groups", "west,east").out()).contains("east, west");
        assertThat(run("operator", "set", "ann", "--all-groups").out()).contains("every group");
        assertThat(run("operator", "set", "ann").exit()).isEqualTo(2);
        assertThat(appliance.registry().operator("ann").groups()).isNull();
        run("site", "move", "w1", "default");
        assertThat(run("group", "remove", "east").exit()).isZero();
    }

    @Test
    void sessionsListsLiveSessions() throws Exception {
        Result empty = run("sessions");
        assertThat(empty.exit()).isZero();
        assertThat(empty.out()).contains("SESSION", "(none)");
        assertThat(run("sessions", "--json").json().isArray()).isTrue();
    }

    @Test
    void mistakesAreOneLineAndNonZero(@TempDir Path elsewhere) {
        Result unknown = run("site", "show", "ghost");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err().strip()).isEqualTo("sitewatch: no site 'ghost'");
        Result invalid = run("site", "add", "bad id!");
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err()).contains("site id must be").hasLineCount(1);
        Result duplicate = run("site", "add", "w1");
        assertThat(run("site", "add", "w1").err()).contains("exists");
        assertThat(duplicate.exit()).isZero();
        Result notRunning = runIn(elsewhere, "site", "list");
        assertThat(notRunning.exit()).isEqualTo(3);
        assertThat(notRunning.err()).contains("not running").hasLineCount(1);
        assertThat(run("site", "frobnicate").exit()).isEqualTo(2);
    }
}
