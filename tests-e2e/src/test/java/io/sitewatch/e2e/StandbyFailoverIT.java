package io.sitewatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The primary dies: the site and the operator move to the standby on their own and the tile is live again. */
class StandbyFailoverIT extends BrowserTest {

    static final String SECRET = "e2e-pair-secret-long-enough";

    @TempDir
    Path standbyDir;
    int standbyPort;
    AppUnderTest standby;

    @Override
    AppUnderTest startApp() throws Exception {
        standbyPort = AppUnderTest.freePort();
        return AppUnderTest.start(dataDir, AppUnderTest.freePort(), "--set", "standby.secret=" + SECRET,
                "--standby-url", "ws://127.0.0.1:" + standbyPort + "/signal");
    }

    @AfterEach
    void stopStandby() throws Exception {
        if (standby != null) {
            standby.close();
        }
    }

    @Test
    void siteAndOperatorMoveToTheStandbyWhenThePrimaryIsKilled() throws Exception {
        app.operator("ann", "password-ann");
        String wallToken = app.operatorToken("ann");
        SitePage site = site("w1");
        standby = AppUnderTest.start(standbyDir, standbyPort, "--standby-of", app.base(), "--standby-secret", SECRET,
                "--set", "standby.interval-seconds=1");
        assertThat(standby.cli("site", "list", "--json").get(0).get("id").asText()).isEqualTo("w1");

        OperatorPage ann = OperatorPage.wall(context.newPage(), app, wallToken, "w1");
        ann.page.bringToFront();
        ann.awaitTiles(1, "live");
        double before = ann.awaitFrames("w1", 0);

        long killed = System.nanoTime();
        app.kill();
        String standbyUrl = "ws://127.0.0.1:" + standbyPort + "/signal";
        ann.page.waitForFunction("u => window.sitewatch.console.sitewatch.signal.url === u"
                + " && window.sitewatch.console.signalState === 'open'", standbyUrl);
        ann.awaitTileState("w1", "live");
        long millis = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("[e2e] standby: primary killed to the tile live again via the standby: %d ms%n", millis);
        assertThat(site.page.evaluate("() => window.sitewatch.publisher.sitewatch.signal.url")).isEqualTo(standbyUrl);
        assertThat(ann.awaitFrames("w1", before)).isGreaterThan(before);
        assertThat(standby.cli("sessions", "--json")).hasSize(2);
    }
}
