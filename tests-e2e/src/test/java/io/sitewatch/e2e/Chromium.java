package io.sitewatch.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Debian's Chromium driven by Playwright, with fake camera and microphone. */
final class Chromium implements AutoCloseable {

    static final Path EXECUTABLE = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));
    static final List<String> FLAGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            // Several site pages share one browser: none may be throttled for being in the background.
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows", "--autoplay-policy=no-user-gesture-required");

    private final Playwright playwright;
    final Browser browser;

    private Chromium(List<String> extraFlags) {
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        List<String> flags = new ArrayList<>(FLAGS);
        flags.addAll(extraFlags);
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(EXECUTABLE)
                .setHeadless(true).setArgs(flags));
    }

    static Chromium launch(String... extraFlags) {
        return new Chromium(List.of(extraFlags));
    }

    BrowserContext newContext() {
        return browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800)
                .setPermissions(List.of("camera", "microphone")));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
