package io.sitewatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.e2e.OperatorPage.Inbound;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Primary/backup tiering measured on what operators receive (getStats), with a noisy fake
 * camera so bitrates reach the presets: high 2500 kbps at 30 fps native size (240 lines here),
 * low 150 kbps at 10 fps and 180 lines.
 */
class TieringIT extends BrowserTest {

    static final List<String> SITES = List.of("w1", "w2", "w3", "w4");

    @Override
    Chromium launchBrowser() {
        try {
            return Chromium.launch("--use-file-for-fake-video-capture=" + NoiseVideo.file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Receive rates of one site's connection over about two seconds. */
    record Rates(double kbps, double fps, int height) {
        boolean high() {
            return height == NoiseVideo.HEIGHT && fps >= 18 && kbps >= 500;
        }

        boolean low() {
            return height <= 180 && fps <= 12 && kbps <= 260;
        }
    }

    static Rates rates(OperatorPage operator, String siteId) throws InterruptedException {
        Inbound before = operator.inbound(siteId);
        Thread.sleep(2000); // a rate needs an interval; the assertion is on the numbers, not the timing
        Inbound after = operator.inbound(siteId);
        return new Rates(after.kbpsSince(before), after.fpsSince(before), after.height());
    }

    @Test
    void claimingASiteRaisesOnlyThatConnectionToTheHighTier() throws Exception {
        for (String id : SITES) {
            site(id);
        }
        app.operator("ann", "password-ann");
        long start = System.nanoTime();
        OperatorPage ann = OperatorPage.login(context.newPage(), app, "ann", "password-ann");
        ann.page.bringToFront();
        ann.awaitTiles(4, "live");
        System.out.printf("[e2e] login to 4 tiles live: %d ms%n", (System.nanoTime() - start) / 1_000_000);
        for (String id : SITES) {
            ann.awaitFrames(id, 10);
        }
        for (String id : SITES) {
            assertThat(rates(ann, id)).as("%s before any claim", id).matches(Rates::low);
        }

        long claimed = System.nanoTime();
        ann.star("w2");
        ann.awaitPrimary("w2", true);
        ann.awaitInbound("w2", in -> in.height() == NoiseVideo.HEIGHT, "high-tier frames");
        long firstHighFrame = System.nanoTime();
        Rates high = awaitRates(ann, "w2", Rates::high);
        System.out.printf("[e2e] claim to first high-tier frame: %d ms; to high-tier rates (%.0f kbps, %.0f fps): %d ms%n",
                (firstHighFrame - claimed) / 1_000_000, high.kbps(), high.fps(),
                (System.nanoTime() - claimed) / 1_000_000);
        for (String id : List.of("w1", "w3", "w4")) {
            assertThat(rates(ann, id)).as("%s stays low", id).matches(Rates::low);
        }
        assertThat(ann.muted("w2")).isFalse();
        assertThat(ann.muted("w1")).isTrue();
    }

    @Test
    void aSecondOperatorClaimingTheSiteDemotesTheFirst() throws Exception {
        SitePage site = site("w1");
        app.operator("ann", "password-ann");
        app.operator("bob", "password-bob");
        OperatorPage ann = OperatorPage.wall(context.newPage(), app, app.operatorToken("ann"), "w1");
        OperatorPage bob = OperatorPage.wall(context.newPage(), app, app.operatorToken("bob"), "w1");
        ann.awaitTiles(1, "live");
        bob.awaitTiles(1, "live");
        ann.page.bringToFront();
        ann.star("w1");
        ann.awaitPrimary("w1", true);
        awaitRates(ann, "w1", Rates::high);
        assertThat(site.tierFor(ann.sessionId())).isEqualTo("high");

        bob.page.bringToFront();
        bob.star("w1");
        bob.awaitPrimary("w1", true);
        ann.awaitPrimary("w1", false);
        assertThat(ann.page.textContent(".tile[data-site=\"w1\"] .holder")).isEqualTo("controlled by bob");
        assertThat(ann.muted("w1")).as("a backup plays no audio").isTrue();
        assertThat(ann.padVisible("w1")).as("a backup has no teleop").isFalse();
        assertThat(site.tierFor(ann.sessionId())).isEqualTo("low");
        assertThat(site.tierFor(bob.sessionId())).isEqualTo("high");
        awaitRates(ann, "w1", Rates::low);
        awaitRates(bob, "w1", Rates::high);
    }

    /** Rates settle over a few seconds (bandwidth estimation ramps up): sample until they match. */
    static Rates awaitRates(OperatorPage operator, String siteId, java.util.function.Predicate<Rates> wanted)
            throws InterruptedException {
        List<Rates> seen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Rates r = rates(operator, siteId);
            if (wanted.test(r)) {
                return r;
            }
            seen.add(r);
        }
        throw new AssertionError(siteId + ": rates never matched; saw " + seen);
    }
}
