package io.sitewatch.e2e;

import com.microsoft.playwright.Page;
import java.util.Map;

/** The operator app, and the numbers tests read from its peer connections. */
final class OperatorPage {

    /** Inbound video (and audio) counters of one site's connection, as plain values. */
    record Inbound(double bytes, double frames, int height, double fps, double audioBytes, double at) {
        double kbpsSince(Inbound before) {
            return (bytes - before.bytes) * 8 / (at - before.at); // bytes per ms * 8 = kbit/s
        }

        double fpsSince(Inbound before) {
            return (frames - before.frames) * 1000 / (at - before.at);
        }
    }

    private static final String INBOUND = """
            async (siteId) => {
              const link = window.sitewatch?.console?.sites.get(siteId)?.link;
              if (!link) return null;
              const report = await link.pc.getStats();
              let video = null, audio = null;
              report.forEach((s) => {
                if (s.type === 'inbound-rtp' && s.kind === 'video') video = s;
                if (s.type === 'inbound-rtp' && s.kind === 'audio') audio = s;
              });
              if (!video) return null;
              return { bytes: video.bytesReceived ?? 0, frames: video.framesDecoded ?? 0,
                       height: video.frameHeight ?? 0, fps: video.framesPerSecond ?? 0,
                       audioBytes: audio?.bytesReceived ?? 0, at: performance.now() };
            }""";

    final Page page;

    private OperatorPage(Page page) {
        this.page = page;
    }

    /** Wall mode: token and sites in the URL, no clicks. */
    static OperatorPage wall(Page page, AppUnderTest app, String token, String sites) {
        page.navigate(app.base() + "/operator/?token=" + token + "&sites=" + sites);
        OperatorPage operator = new OperatorPage(page);
        operator.awaitSignal();
        return operator;
    }

    /** The login form, as a person would use it. */
    static OperatorPage login(Page page, AppUnderTest app, String name, String password) {
        page.navigate(app.base() + "/operator/");
        page.fill("#login-name", name);
        page.fill("#login-password", password);
        page.click("#login-form button[type=submit]");
        OperatorPage operator = new OperatorPage(page);
        operator.awaitSignal();
        return operator;
    }

    void awaitSignal() {
        page.waitForFunction("() => window.sitewatch?.console?.signalState === 'open'");
    }

    String sessionId() {
        return (String) page.evaluate("() => window.sitewatch.console.sessionId");
    }

    void awaitTiles(int count, String state) {
        page.waitForFunction("([n, s]) => document.querySelectorAll(`.tile[data-state=\"${s}\"]`).length === n",
                java.util.List.of(count, state));
    }

    void awaitTileState(String siteId, String state) {
        page.waitForFunction("([id, s]) => document.querySelector(`.tile[data-site=\"${id}\"]`)?.dataset.state === s",
                java.util.List.of(siteId, state));
    }

    void awaitPrimary(String siteId, boolean primary) {
        page.waitForFunction("([id, p]) => document.querySelector(`.tile[data-site=\"${id}\"]`)?.dataset.primary === p",
                java.util.List.of(siteId, String.valueOf(primary)));
    }

    /** Stars the tile: a claim (or a release when this operator already holds it). */
    void star(String siteId) {
        page.click(".tile[data-site=\"" + siteId + "\"] .star");
    }

    boolean muted(String siteId) {
        return (Boolean) page.evaluate("id => document.querySelector(`.tile[data-site=\"${id}\"] video`).muted", siteId);
    }

    boolean padVisible(String siteId) {
        return page.isVisible(".tile[data-site=\"" + siteId + "\"] .pad");
    }

    Inbound inbound(String siteId) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) page.evaluate(INBOUND, siteId);
        if (m == null) {
            return null;
        }
        return new Inbound(num(m, "bytes"), num(m, "frames"), (int) num(m, "height"), num(m, "fps"),
                num(m, "audioBytes"), num(m, "at"));
    }

    /** Frames decoded by this site's tile, polled until more than {@code atLeast}; returns the count. */
    double awaitFrames(String siteId, double atLeast) throws InterruptedException {
        Inbound last = awaitInbound(siteId, in -> in.frames() > atLeast, "more than " + atLeast + " frames");
        return last.frames();
    }

    /** Polls the site's inbound counters (getStats is asynchronous, so this polls from here). */
    Inbound awaitInbound(String siteId, java.util.function.Predicate<Inbound> wanted, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + JarProcess.WAIT.toNanos();
        Inbound last = null;
        while (System.nanoTime() < deadline) {
            last = inbound(siteId);
            if (last != null && wanted.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(siteId + ": no " + what + " within " + JarProcess.WAIT + "; last " + last);
    }

    private static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? 0 : ((Number) v).doubleValue();
    }
}
