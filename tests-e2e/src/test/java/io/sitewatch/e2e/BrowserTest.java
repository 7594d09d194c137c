package io.sitewatch.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One appliance (the real jar) and one browser context per test; the browser is shared by the
 * class. A failing test leaves a screenshot of each of its pages in target/e2e-artifacts.
 */
abstract class BrowserTest {

    static final Path ARTIFACTS = Path.of(System.getProperty("sitewatch.artifacts", "target/e2e-artifacts"));
    static Chromium chromium;

    @TempDir
    Path dataDir;
    AppUnderTest app;
    BrowserContext context;

    @RegisterExtension
    final AfterTestExecutionCallback screenshots = this::screenshotOnFailure;

    /** More {@code serve} arguments for this class's appliance. */
    String[] appArgs() {
        return new String[0];
    }

    /** The browser for this class; override to add flags (e.g. a video file for the fake camera). */
    Chromium launchBrowser() {
        return Chromium.launch();
    }

    /** The appliance of each test; override to start it with more arguments. */
    AppUnderTest startApp() throws Exception {
        return AppUnderTest.start(dataDir, appArgs());
    }

    @BeforeEach
    void startAppAndContext() throws Exception {
        if (chromium == null) {
            chromium = launchBrowser();
        }
        app = startApp();
        context = chromium.newContext();
    }

    @AfterEach
    void stopAppAndContext() throws Exception {
        context.close();
        app.close();
    }

    @AfterAll
    static void closeBrowser() {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    SitePage site(String id) throws Exception {
        return SitePage.open(context.newPage(), app, id, app.site(id));
    }

    private void screenshotOnFailure(ExtensionContext test) throws Exception {
        if (test.getExecutionException().isEmpty() || context == null) {
            return;
        }
        Files.createDirectories(ARTIFACTS);
        List<Page> pages = context.pages();
        for (int i = 0; i < pages.size(); i++) {
            Path file = ARTIFACTS.resolve(test.getRequiredTestClass().getSimpleName() + "-"
                    + test.getRequiredTestMethod().getName() + "-" + i + ".png");
            pages.get(i).screenshot(new Page.ScreenshotOptions().setPath(file));
        }
        Files.writeString(ARTIFACTS.resolve(test.getRequiredTestMethod().getName() + "-appliance.log"), app.log());
    }
}
