package io.sitewatch.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sitewatch.appliance.signal.ClientSettings;
import io.sitewatch.appliance.signal.Credentials;
import io.sitewatch.appliance.signal.Identity;
import io.sitewatch.appliance.signal.SessionJournal;
import io.sitewatch.appliance.signal.SignalCore;
import io.sitewatch.appliance.signal.SignalObserver;
import io.sitewatch.appliance.signal.SignalSettings;
import io.sitewatch.appliance.signal.SiteDirectory;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real {@link SignalCore} with in-memory credentials and sites and {@code pairs} welcomed
 * pairs: site {@code s<i>} and operator {@code o<i>} watching it. The rate limit is raised so a
 * benchmark thread can send far faster than any client may; its bookkeeping still runs.
 */
final class Fleet {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Identity> tokens = new HashMap<>();
    final Map<String, SiteDirectory.SiteInfo> sites = new HashMap<>();
    final SignalCore core;
    final CountingLink[] siteLinks;
    final CountingLink[] operatorLinks;
    final String[] siteSessions;
    final String[] operatorSessions;

    Fleet(int pairs) {
        this(pairs, null);
    }

    /** With {@code credentials} null, tokens are the map above; otherwise that check (e.g. the real directory). */
    Fleet(int pairs, Credentials credentials) {
        SignalSettings d = SignalSettings.defaults();
        SignalSettings settings = new SignalSettings(d.heartbeatMs(), d.helloTimeoutMs(), d.resumeWindowMs(),
                d.resumeQueue(), 1e9, 1_000_000, d.maxWatch(), d.roomCapacity(), d.roomCapacities());
        Credentials check = credentials != null ? credentials : token -> Optional.ofNullable(tokens.get(token));
        core = new SignalCore(settings, check, id -> Optional.ofNullable(sites.get(id)), SessionJournal.NONE,
                ClientSettings.NONE, SignalObserver.NONE, Clock.systemUTC());
        siteLinks = new CountingLink[pairs];
        operatorLinks = new CountingLink[pairs];
        siteSessions = new String[pairs];
        operatorSessions = new String[pairs];
        if (credentials != null) {
            return;
        }
        for (int i = 0; i < pairs; i++) {
            String site = site(i);
            sites.put(site, new SiteDirectory.SiteInfo(site, "Site " + i, "default", true));
            tokens.put("site:" + site, Identity.site(site, "Site " + i, "cs" + i, "default"));
            tokens.put("op:" + i, Identity.operator("o" + i, "co" + i, null));
            siteLinks[i] = new CountingLink();
            siteSessions[i] = hello(siteLinks[i], "site:" + site);
            operatorLinks[i] = new CountingLink();
            operatorSessions[i] = hello(operatorLinks[i], "op:" + i);
            core.message(operatorLinks[i], "{\"type\":\"watch\",\"sites\":[\"" + site + "\"]}");
        }
    }

    static String site(int i) {
        return "s" + i;
    }

    /** Opens the link, says hello and returns the session id from the welcome. */
    String hello(CountingLink link, String token) {
        core.open(link);
        core.message(link, "{\"type\":\"hello\",\"token\":\"" + token + "\"}");
        String sessionId = link.first == null ? null : sessionIdOf(link.first);
        if (sessionId == null) {
            throw new IllegalStateException("no welcome for " + token + ": " + link.last);
        }
        return sessionId;
    }

    static String sessionIdOf(String welcome) {
        try {
            JsonNode node = JSON.readTree(welcome);
            return "welcome".equals(node.path("type").asText()) ? node.path("sessionId").asText() : null;
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + welcome, e);
        }
    }
}
