package io.sitewatch.appliance.signal;

import java.util.HashMap;
import java.util.Map;

/**
 * Who controls which site (protocol.md, Watching and control): at most one primary operator
 * session per site and at most one site per operator session, so two operators never both
 * hold a site.
 */
final class ControlTable {

    private final Map<String, Session> primaryBySite = new HashMap<>();
    private final Map<Session, String> siteByPrimary = new HashMap<>();

    Session primaryOf(String siteId) {
        return primaryBySite.get(siteId);
    }

    String siteOf(Session operator) {
        return siteByPrimary.get(operator);
    }

    /** Makes the operator the site's primary; the caller has released the operator's previous site. */
    void claim(String siteId, Session operator) {
        Session previous = primaryBySite.put(siteId, operator);
        if (previous != null) {
            siteByPrimary.remove(previous);
        }
        siteByPrimary.put(operator, siteId);
    }

    /** Clears the site's primary; returns who held it, or null. */
    Session release(String siteId) {
        Session previous = primaryBySite.remove(siteId);
        if (previous != null) {
            siteByPrimary.remove(previous);
        }
        return previous;
    }

    Map<String, Session> all() {
        return Map.copyOf(primaryBySite);
    }
}
