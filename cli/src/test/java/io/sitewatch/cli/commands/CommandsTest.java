package io.sitewatch.cli.commands;

import static io.sitewatch.cli.AdminFixtures.SESSIONS;
import static io.sitewatch.cli.AdminFixtures.SITE;
import static io.sitewatch.cli.AdminFixtures.STATUS;
import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.cli.FakeAdmin;
import io.sitewatch.cli.FakeAdmin.Result;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Each admin command against an in-memory admin API: the requests it makes, its output and its errors. */
class CommandsTest {

    final FakeAdmin admin = new FakeAdmin();

    @Test
    void statusShowsAddressesPortsCountsAndDiskUse() {
        admin.answer("GET /v1/status", STATUS);
        Result r = admin.run("status");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("sitewatch 1.2.3, up 1d 2h 3m", "https://localhost:8443 (devices: https://box:8443)",
                "8443 (HTTPS), 8080 (redirects to HTTPS)", "/var/lib/sw/admin.sock",
                "/var/lib/sw, 1.5 KB (1.0 GB free of 2.0 GB)", "3 online of 4", "2 online, 5 registered");
        assertThat(admin.run("status", "--json").out()).contains("\"diskFreeBytes\" : 1073741824");
    }

    @Test
    void linksShowStateRouteBitrateFrameRateAndRoundTrip() {
        admin.answer("GET /v1/links", """
                [{"from":"o1","fromId":"ann","to":"s1","toId":"yard-1","state":"connected",
                  "stats":{"route":"relay","kbpsIn":1200,"kbpsOut":80.5,"fps":30,"rttMs":42},"at":1700000000000},
                 {"from":"o2","fromId":"bob","to":"s2","toId":"yard-2","state":"failed","stats":{},"at":1700000000000}]""");
        Result all = admin.run("links");
        assertThat(all.out()).contains("FROM", "ROUTE", "KBPS IN", "RTT MS");
        assertThat(all.out().lines().filter(l -> l.startsWith("ann")).findFirst().orElseThrow())
                .containsSubsequence("yard-1", "connected", "relay", "1200", "80.5", "30", "42");
        assertThat(admin.run("links", "yard-2").out()).contains("bob").doesNotContain("ann");
    }

    @Test
    void controlAndRoomsNameThePeople() {
        admin.answer("GET /v1/control", "[{\"site\":\"yard-1\",\"primary\":\"o1\",\"operator\":\"ann\"}]")
                .answer("GET /v1/rooms", "[{\"room\":\"ops\",\"capacity\":6,\"members\":[\"o1\"]}]")
                .answer("GET /v1/sessions", SESSIONS);
        assertThat(admin.run("control").out()).containsSubsequence("yard-1", "ann", "o1");
        assertThat(admin.run("rooms").out()).containsSubsequence("ops", "1/6", "ann (o1)");
        Result unknown = admin.run("rooms", "lobby");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("sitewatch: no room 'lobby' (rooms exist while someone is in them)\n");
    }

    @Test
    void kickEndsAKnownSessionAndNamesIt() {
        admin.answer("GET /v1/sessions", SESSIONS).answer("DELETE /v1/sessions/o1", "{\"ok\":true}");
        assertThat(admin.run("kick", "o1").out()).isEqualTo("kicked operator ann (session o1)\n");
        assertThat(admin.calls).contains(new FakeAdmin.Call("DELETE", "/v1/sessions/o1", null));
        Result unknown = admin.run("kick", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("sitewatch: no session 'nope'\n");
    }

    @Test
    void releaseSaysWhoLostControlAndRefusesUnknownSites() {
        admin.answer("GET /v1/sites/yard-1", SITE)
                .answer("GET /v1/control", "[{\"site\":\"yard-1\",\"primary\":\"o1\",\"operator\":\"ann\"}]")
                .answer("POST /v1/control/yard-1/release", "{\"released\":true}")
                .refuse("GET /v1/sites/ghost", 404, "no site 'ghost'");
        assertThat(admin.run("release", "yard-1").out()).isEqualTo("released yard-1 (ann no longer controls it)\n");
        Result ghost = admin.run("release", "ghost");
        assertThat(ghost.exit()).isEqualTo(1);
        assertThat(ghost.err()).isEqualTo("sitewatch: no site 'ghost'\n");
        assertThat(admin.calls).noneMatch(c -> c.path().contains("ghost/release"));
    }

    @Test
    void eventsAreOneLineEachSinceAGivenTime() {
        admin.answer("GET /v1/events", """
                [{"seq":7,"at":"2026-11-23T08:00:01Z","kind":"session-open","session":"s1","peer":null,
                  "detail":"site yard-1 (s1) from 10.0.0.5:4000","data":null}]""");
        Result r = admin.run("events", "--since", "2026-11-23T00:00:00Z", "--limit", "5");
        assertThat(r.out()).containsSubsequence("session-open", "site yard-1 (s1) from 10.0.0.5:4000");
        assertThat(admin.calls.get(0).path()).isEqualTo("/v1/events?since=2026-11-23T00%3A00%3A00Z&limit=5");
        Result bad = admin.run("events", "--since", "yesterday");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).startsWith("sitewatch: --since takes a time ago (30m, 2h, 7d)").hasLineCount(1);
    }

    @Test
    void sinceTakesTimesAgoDatesAndLocalTimes() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
        assertThat(EventsCommand.since("30m", clock)).isEqualTo(Instant.parse("2026-11-23T11:30:00Z"));
        assertThat(EventsCommand.since("2d", clock)).isEqualTo(Instant.parse("2026-11-21T12:00:00Z"));
        assertThat(EventsCommand.since("2026-11-20", clock)).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
        assertThat(EventsCommand.since("2026-11-20T10:15", clock)).isEqualTo(Instant.parse("2026-11-20T10:15:00Z"));
    }

    @Test
    void followingEventsPrintsThemAsTheyComeUntilInterrupted() throws Exception {
        admin.stream("/v1/events", "{\"seq\":0,\"at\":\"2026-11-23T08:00:01Z\",\"kind\":\"control\","
                + "\"detail\":\"ann took control of yard-1\"}");
        Result[] result = new Result[1];
        Thread follower = new Thread(() -> result[0] = admin.run("events", "--follow"));
        follower.start();
        assertThat(admin.streaming.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        follower.interrupt();
        follower.join(10_000);
        assertThat(follower.isAlive()).isFalse();
        assertThat(result[0].exit()).isZero();
        assertThat(result[0].out()).contains("control", "ann took control of yard-1");
        assertThat(admin.calls.get(0).path()).contains("follow=true");
    }

    @Test
    void exportCaPrintsThePemOrSaysWhyThereIsNone() {
        admin.answer("GET /v1/cert/ca", "{\"pem\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\","
                + "\"fingerprintSha256\":\"AB:CD\"}");
        assertThat(admin.run("cert", "export-ca").out())
                .isEqualTo("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        assertThat(admin.run("cert", "export-ca", "--json").out()).contains("\"fingerprintSha256\" : \"AB:CD\"");
        FakeAdmin none = new FakeAdmin().refuse("GET /v1/cert/ca", 404, "the appliance has no CA of its own");
        Result r = none.run("cert", "export-ca");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("sitewatch: the appliance has no CA of its own\n");
    }

    @Test
    void configShowPrintsTomlOrItsJson() throws Exception {
        admin.answer("GET /v1/config", "{\"toml\":\"[http]\\nhttps-port = 8443\\n\"}");
        assertThat(admin.run("config", "show").out()).isEqualTo("[http]\nhttps-port = 8443\n");
        assertThat(AdminClient.JSON.readTree(admin.run("config", "show", "--json").out())
                .get("http").get("https-port").asInt()).isEqualTo(8443);
    }

    @Test
    void siteUrlRotatesOnlyWhenToldAndPrintsTheDeviceUrlAndAQrCode() {
        admin.answer("GET /v1/status", STATUS).answer("GET /v1/sites/yard-1", SITE)
                .answer("POST /v1/sites/yard-1/rotate-token", "{\"site\":" + SITE + ",\"token\":\"sAB.cd\"}");
        Result unconfirmed = admin.run("site", "url", "yard-1");
        assertThat(unconfirmed.exit()).isEqualTo(1);
        assertThat(unconfirmed.err()).isEqualTo("sitewatch: no terminal to ask on; pass --rotate to issue a new "
                + "token for yard-1\n");
        assertThat(admin.calls).noneMatch(c -> c.method().equals("POST"));

        Result url = admin.run("site", "url", "yard-1", "--rotate", "--qr");
        assertThat(url.exit()).as(url.err()).isZero();
        assertThat(url.out()).contains("https://box:8443/site/?token=sAB.cd&autostart=1").contains("█");
        Result other = admin.run("site", "url", "yard-1", "--rotate", "--base-url", "https://cams.example/");
        assertThat(other.out()).contains("https://cams.example/site/?token=sAB.cd&autostart=1");
        assertThat(admin.run("site", "url", "yard-1", "--rotate", "--base-url", "cams").err())
                .startsWith("sitewatch: --base-url must look like https://host[:port]");
    }

    @Test
    void applianceDownDeniedAndBadArgumentsAreOneLineWithTheirExitCodes() {
        FakeAdmin down = new FakeAdmin().failWith(new AdminException.NotRunning("the appliance is not running"));
        Result notRunning = down.run("site", "list");
        assertThat(notRunning.exit()).isEqualTo(3);
        assertThat(notRunning.err()).isEqualTo("sitewatch: the appliance is not running\n");
        FakeAdmin denied = new FakeAdmin().failWith(new AdminException.Denied("permission denied on admin.sock"));
        assertThat(denied.run("status").exit()).isEqualTo(4);
        Result bad = admin.run("site", "shw", "x");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("did you mean show?", "see 'sitewatch site --help'").hasLineCount(1);
        Result missing = admin.run("kick");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required parameter: 'SESSION'").hasLineCount(1);
    }

    @Test
    void passwordsAreAskedForWhenNotPipedAndNeverTakenFromArguments() {
        Result noTerminal = admin.run("operator", "add", "ann");
        assertThat(noTerminal.exit()).isEqualTo(1);
        assertThat(noTerminal.err()).contains("no terminal to ask on; pass --password-stdin");
        assertThat(admin.calls).isEmpty();
    }
}
