package io.sitewatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Recordings end to end: a publishing site records 2 s chunks and uploads them; they appear in the
 * index and play in the operator's Recordings view, across chunks; an appliance killed mid-recording
 * (down long enough for chunks to queue on the site) loses none of them.
 */
class RecordingsIT extends BrowserTest {

    static final int CHUNK_SECONDS = 2;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    String[] appArgs() {
        return new String[] {"--set", "recordings.chunk-seconds=" + CHUNK_SECONDS};
    }

    JsonNode api(String token, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(app.base() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return AppUnderTest.JSON.readTree(r.body());
    }

    /** Polls the operator API until the site's recordings satisfy {@code wanted}. */
    JsonNode awaitRecordings(String token, String site, Predicate<JsonNode> wanted, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = api(token, "/api/recordings?site=" + site).get("recordings");
                if (wanted.test(last)) {
                    return last;
                }
            } catch (java.io.IOException e) {
                // the appliance is restarting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + what + " within 60 s; last " + last);
    }

    @Test
    void aPublishingSitesChunksAreIndexedAndPlayAcrossChunksInTheOperatorView() throws Exception {
        SitePage site = site("w1");
        app.operator("ann", "password-ann");
        String token = app.operatorToken("ann");
        JsonNode recordings = awaitRecordings(token, "w1", r -> r.size() == 1 && r.get(0).get("chunks").asInt() >= 4,
                "recording of 4 chunks");
        JsonNode recording = recordings.get(0);
        assertThat(recording.get("mimeType").asText()).startsWith("video/webm");
        assertThat(recording.get("firstSeq").asInt()).isZero();
        site.page.waitForFunction("() => document.querySelectorAll('#recordings tr[data-state=\"uploaded\"]').length >= 4");
        assertThat(site.page.getAttribute("#recordings tr a[download]", "href")).startsWith("blob:");

        OperatorPage ann = OperatorPage.login(context.newPage(), app, "ann", "password-ann");
        Page page = ann.page;
        page.bringToFront();
        page.click("#recordings-toggle");
        page.waitForFunction("() => document.querySelector('#recordings-site option[value=\"w1\"]')");
        page.selectOption("#recordings-site", "w1");
        page.click("#recordings-form button[type=submit]");
        page.waitForSelector("#recordings-timeline .segment[data-recording=\"" + recording.get("id").asText() + "\"]");
        page.click("#recordings-list tr[data-recording=\"" + recording.get("id").asText() + "\"] .play");

        page.waitForFunction("() => { const v = document.getElementById('player-video');"
                + " return v.currentTime > 1 && v.getVideoPlaybackQuality().totalVideoFrames > 10; }");
        double frames = frames(page);
        // Seek into the third chunk: another file, with its own header, on the same timeline.
        double target = 2 * CHUNK_SECONDS + 0.5;
        page.evaluate("t => { document.getElementById('player-video').currentTime = t; }", target);
        page.waitForFunction("t => { const v = document.getElementById('player-video');"
                + " return !v.seeking && !v.paused && v.currentTime > t + 1; }", target);
        assertThat(frames(page)).isGreaterThan(frames);
        assertThat(page.textContent("#player-clock")).isNotBlank();

        // Any chunk, not just the first, is a file that plays on its own: its own header, a keyframe first.
        page.evaluate("async (id) => { const token = sessionStorage.getItem('sitewatch.operator.token');"
                + " const r = await fetch(`/api/recordings/${id}/chunks/2`, { headers: { Authorization: `Bearer ${token}` } });"
                + " const v = document.createElement('video'); v.id = 'lone-chunk'; v.muted = true;"
                + " v.src = URL.createObjectURL(await r.blob()); document.body.append(v); await v.play(); }",
                recording.get("id").asText());
        page.waitForFunction("() => document.getElementById('lone-chunk').getVideoPlaybackQuality().totalVideoFrames > 5");
        System.out.printf("[e2e] recording %s played across chunks: %.0f frames decoded%n",
                recording.get("id").asText(), frames(page));
    }

    /**
     * Polls an asynchronous condition in the page. (Page.waitForFunction cannot: it takes the promise an
     * async predicate returns for a truthy answer and returns at once.)
     */
    private static void awaitInPage(Page page, String asyncPredicate, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(page.evaluate(asyncPredicate))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 60 s: " + what);
    }

    private static double frames(Page page) {
        return ((Number) page.evaluate(
                "() => document.getElementById('player-video').getVideoPlaybackQuality().totalVideoFrames"))
                .doubleValue();
    }

    /** The DOM-free site modules in the browser, against the real appliance. */
    @Test
    void theSiteKeepsWithinItsBudgetAndTheUploaderSetsRefusedChunksAside() throws Exception {
        String token = app.site("w1");
        Page page = context.newPage();
        page.navigate(app.base() + "/site/");
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) page.evaluate("""
                async (token) => {
                  const { ChunkStore } = await import('/site/chunk-store.js');
                  const { Uploader, sha256 } = await import('/site/uploads.js');
                  const store = await ChunkStore.open('sitewatch-test');
                  const chunk = async (seq, state, body = `chunk ${seq} `.repeat(100)) => {
                    const blob = new Blob([body], { type: 'video/webm' });
                    return { recordingId: 'test-recording-0000001', seq, site: null, startedAt: Date.now() - 60000 + seq * 1000,
                      durationMs: 1000, mimeType: 'video/webm', sha256: await sha256(blob), size: blob.size, blob, state };
                  };
                  for (const [seq, state] of [[0, 'uploaded'], [1, 'pending'], [2, 'uploaded'], [3, 'pending']]) {
                    await store.add(await chunk(seq, state));
                  }
                  const size = (await store.list())[0].size;
                  const lost = await store.enforce(2 * size);
                  const kept = (await store.list()).map((c) => c.seq);
                  const lostToo = (await store.enforce(size)).map((c) => c.seq);
                  const bad = await chunk(4, 'pending');
                  bad.sha256 = '0'.repeat(64);
                  await store.add(bad);
                  await store.add(await chunk(5, 'pending'));
                  const uploader = new Uploader({ store, token });
                  uploader.start();
                  const deadline = Date.now() + 20000;
                  let states = [];
                  while (Date.now() < deadline) {
                    states = (await store.list()).map((c) => `${c.seq}:${c.state}`);
                    if (!states.some((s) => s.endsWith('pending'))) break;
                    await new Promise((r) => setTimeout(r, 100));
                  }
                  uploader.stop();
                  const failed = (await store.list()).find((c) => c.state === 'failed');
                  return { lost: lost.length, kept, lostToo, states, error: failed?.error ?? '', site: uploader.settings?.site };
                }""", token);
        assertThat(result.get("lost")).as("uploaded chunks go first").isEqualTo(0);
        assertThat(result.get("kept")).isEqualTo(List.of(1, 3));
        assertThat(result.get("lostToo")).as("then the oldest pending one").isEqualTo(List.of(1));
        assertThat(result.get("states")).isEqualTo(List.of("3:uploaded", "4:failed", "5:uploaded"));
        assertThat((String) result.get("error")).startsWith("400").contains("sha256");
        assertThat(result.get("site")).isEqualTo("w1");
        app.operator("ann", "password-ann");
        JsonNode indexed = api(app.operatorToken("ann"), "/api/recordings/test-recording-0000001").get("chunks");
        assertThat(indexed).extracting(c -> c.get("seq").asInt()).containsExactly(3, 5);
    }

    @Test
    void anApplianceKilledMidRecordingLosesNoChunk() throws Exception {
        SitePage site = site("w1");
        app.operator("ann", "password-ann");
        String token = app.operatorToken("ann");
        awaitRecordings(token, "w1", r -> r.size() == 1 && r.get(0).get("chunks").asInt() >= 2, "2 chunks");

        app.kill();
        // The site keeps recording while the appliance is down: its uploads fail and chunks queue up.
        awaitInPage(site.page, "async () => window.sitewatch.uploader.state === 'waiting'"
                + " && (await window.sitewatch.store.list()).filter((c) => c.state === 'pending').length >= 2",
                "2 chunks queued on the site while the appliance is down");
        int recordedWhileDown = ((Number) site.page.evaluate(
                "async () => (await window.sitewatch.store.list()).length")).intValue();
        app.restart();
        int afterRestart = awaitRecordings(token, "w1",
                r -> r.size() == 1 && r.get(0).get("chunks").asInt() >= recordedWhileDown,
                "the chunks queued while the appliance was down").get(0).get("chunks").asInt();
        site.page.click("#stop");
        awaitInPage(site.page, "async () => { await window.sitewatch.flushed;"
                + " const chunks = await window.sitewatch.store.list();"
                + " return chunks.length > 0 && chunks.every((c) => c.state === 'uploaded'); }",
                "every chunk the site recorded uploaded");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> local = (List<Map<String, Object>>) site.page.evaluate(
                "async () => (await window.sitewatch.store.list()).map((c) => ({ id: c.recordingId, seq: c.seq,"
                        + " sha256: c.sha256 }))");
        String recordingId = (String) local.get(0).get("id");
        JsonNode indexed = api(token, "/api/recordings/" + recordingId).get("chunks");
        List<String> stored = new ArrayList<>();
        indexed.forEach(c -> stored.add(c.get("seq").asInt() + ":" + c.get("sha256").asText()));
        List<String> recorded = new ArrayList<>();
        local.forEach(c -> recorded.add(((Number) c.get("seq")).intValue() + ":" + c.get("sha256")));
        assertThat(stored).as("every chunk the site recorded, with the same hash").isEqualTo(recorded);
        for (int i = 0; i < indexed.size(); i++) {
            assertThat(indexed.get(i).get("seq").asInt()).as("contiguous").isEqualTo(i);
        }
        System.out.printf("[e2e] killed after >= 2 chunks; %d recorded by the restart (>= 2 queued), %d indexed once"
                + " the queue drained, %d in all after stopping, none lost%n", recordedWhileDown, afterRestart,
                indexed.size());
    }
}
