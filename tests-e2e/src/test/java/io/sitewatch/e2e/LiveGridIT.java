package io.sitewatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A site publishes, an operator watches: login, live tiles, teleop, reloads and an appliance crash. */
class LiveGridIT extends BrowserTest {

    @Test
    void aSiteStreamsToALoggedInOperatorWhoseTileDecodesFrames() throws Exception {
        app.operator("ann", "password-ann");
        site("w1");
        long start = System.nanoTime();
        OperatorPage ann = OperatorPage.login(context.newPage(), app, "ann", "password-ann");
        ann.page.bringToFront();
        ann.awaitTiles(1, "live");
        System.out.printf("[e2e] login to 1 tile live: %d ms%n", (System.nanoTime() - start) / 1_000_000);
        double frames = ann.awaitFrames("w1", 0);
        assertThat(ann.awaitFrames("w1", frames + 20)).isGreaterThan(frames + 20);
        assertThat(ann.page.textContent(".tile[data-site=\"w1\"] .name")).isEqualTo("Site w1");
        assertThat(ann.page.getAttribute(".tile[data-site=\"w1\"]", "aria-label")).contains("Site w1", "live");
        ann.page.waitForFunction("() => /kbps/.test(document.querySelector('.tile .numbers').textContent)");
        awaitAdminSeesLink("ann", "connected");
    }

    /** The clients' status reports reach the admin: the operator's link shows in `sessions --json`. */
    private void awaitAdminSeesLink(String operator, String state) throws Exception {
        long deadline = System.nanoTime() + JarProcess.WAIT.toNanos();
        String seen = "";
        while (System.nanoTime() < deadline) {
            for (var session : app.cli("sessions", "--json")) {
                if (session.get("id").asText().equals(operator) && session.hasNonNull("lastStatus")) {
                    seen = session.get("lastStatus").toString();
                    if (session.get("lastStatus").get("state").asText().equals(state)
                            && session.get("lastStatus").get("stats").has("route")) {
                        return;
                    }
                }
            }
        }
        throw new AssertionError("the admin never saw " + operator + "'s link " + state + "; last " + seen);
    }

    @Test
    void teleopFromThePrimaryIsAckedAndTeleopFromABackupIsRefused() throws Exception {
        SitePage site = site("w1");
        app.operator("ann", "password-ann");
        app.operator("bob", "password-bob");
        OperatorPage ann = OperatorPage.wall(context.newPage(), app, app.operatorToken("ann"), "w1");
        OperatorPage bob = OperatorPage.wall(context.newPage(), app, app.operatorToken("bob"), "w1");
        ann.page.bringToFront();
        ann.awaitTiles(1, "live");
        bob.awaitTiles(1, "live");
        ann.star("w1");
        ann.awaitPrimary("w1", true);
        assertThat(ann.padVisible("w1")).isTrue();
        assertThat(bob.padVisible("w1")).isFalse();

        ann.page.keyboard().down("ArrowUp");
        ann.page.waitForFunction("() => /teleop \\d+ ms/.test(document.querySelector('.pad-rtt').textContent)");
        ann.page.keyboard().up("ArrowUp");
        int accepted = site.teleopAccepted();
        assertThat(accepted).isPositive();
        String rtt = ann.page.textContent(".pad-rtt");
        System.out.println("[e2e] teleop round trip (primary, via state acks): " + rtt);

        bob.page.evaluate("""
                () => {
                  const channel = window.sitewatch.console.sites.get('w1').teleop;
                  for (let i = 0; i < 5; i++) channel.send(JSON.stringify({ seq: i, t: 0, cmd: { forward: 1, turn: 0 } }));
                }""");
        site.page.waitForFunction("() => window.sitewatch.publisher.teleop.refused >= 5");
        assertThat(site.teleopAccepted()).isEqualTo(accepted);
    }

    @Test
    void aKioskSiteReloadComesBackOnItsOwn() throws Exception {
        SitePage site = site("w1");
        app.operator("ann", "password-ann");
        OperatorPage ann = OperatorPage.wall(context.newPage(), app, app.operatorToken("ann"), "w1");
        ann.page.bringToFront();
        ann.awaitTiles(1, "live");
        site.page.reload();
        assertThat(site.page.url()).doesNotContain("token");
        site.awaitPublishing();
        ann.page.bringToFront();
        ann.awaitTileState("w1", "live");
        double frames = ann.awaitFrames("w1", 0);
        assertThat(ann.awaitFrames("w1", frames + 10)).isGreaterThan(frames);
    }

    @Test
    void videoKeepsFlowingWhileTheApplianceIsKilledAndRestarted() throws Exception {
        SitePage site = site("w1");
        app.operator("ann", "password-ann");
        OperatorPage ann = OperatorPage.wall(context.newPage(), app, app.operatorToken("ann"), "w1");
        ann.page.bringToFront();
        ann.awaitTiles(1, "live");
        ann.star("w1");
        ann.awaitPrimary("w1", true);
        String session = ann.sessionId();
        double before = ann.awaitFrames("w1", 0);

        app.killAndRestart();
        double during = ann.awaitFrames("w1", before + 15);
        assertThat(during).isGreaterThan(before + 15);

        ann.awaitSignal();
        site.awaitPublishing();
        assertThat(ann.sessionId()).as("resumed the same session after the restart").isEqualTo(session);
        ann.awaitTileState("w1", "live");
        ann.awaitPrimary("w1", true);
        assertThat(ann.awaitFrames("w1", during + 15)).isGreaterThan(during);
    }

    @Test
    void wallModeTakesTheTokenOutOfTheAddressBar() throws Exception {
        site("w1");
        app.operator("ann", "password-ann");
        OperatorPage wall = OperatorPage.wall(context.newPage(), app, app.operatorToken("ann"), "w1");
        assertThat(wall.page.url()).endsWith("/operator/");
        assertThat(wall.page.evaluate("() => localStorage.getItem('sitewatch.wall.token')")).isNotNull();
        wall.page.reload();
        wall.awaitSignal();
        wall.awaitTiles(1, "live");
    }
}
