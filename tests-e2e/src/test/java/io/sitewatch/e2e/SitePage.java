package io.sitewatch.e2e;

import com.microsoft.playwright.Page;

/** The site app in kiosk mode: token and autostart in the URL, publishing with no clicks. */
final class SitePage {

    final Page page;
    final String id;

    private SitePage(Page page, String id) {
        this.page = page;
        this.id = id;
    }

    static SitePage open(Page page, AppUnderTest app, String id, String token) {
        page.navigate(app.base() + "/site/?token=" + token + "&autostart=1");
        SitePage site = new SitePage(page, id);
        site.awaitPublishing();
        return site;
    }

    void awaitPublishing() {
        page.waitForFunction("() => window.sitewatch?.publisher?.signalState === 'open'");
    }

    int watchers() {
        return ((Number) page.evaluate("() => window.sitewatch.publisher.viewers.size")).intValue();
    }

    /** Teleop commands accepted from the primary and refused from anyone else. */
    int teleopAccepted() {
        return ((Number) page.evaluate("() => window.sitewatch.publisher.teleop.accepted")).intValue();
    }

    int teleopRefused() {
        return ((Number) page.evaluate("() => window.sitewatch.publisher.teleop.refused")).intValue();
    }

    /** The tier the site currently sends to an operator's session. */
    String tierFor(String operatorSessionId) {
        return (String) page.evaluate("id => window.sitewatch.publisher.viewers.get(id)?.tier ?? null",
                operatorSessionId);
    }
}
