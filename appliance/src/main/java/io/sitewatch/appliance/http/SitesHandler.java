package io.sitewatch.appliance.http;

import io.sitewatch.appliance.signal.Credentials;
import io.sitewatch.appliance.signal.Identity;
import io.sitewatch.appliance.store.Site;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/sites} with {@code Authorization: Bearer <operator token>}: the sites this
 * operator may watch, online or not, so the operator app can offer offline sites too (the
 * signaling protocol only announces online ones). Other groups' sites are never listed.
 */
final class SitesHandler extends Handler.Abstract {

    /** One site as the operator app shows it. */
    record SiteEntry(String id, String name, String location, String group, boolean online) {}

    private final Credentials credentials;
    private final Supplier<List<Site>> sites;
    private final Supplier<Set<String>> online;

    SitesHandler(Credentials credentials, Supplier<List<Site>> sites, Supplier<Set<String>> online) {
        this.credentials = credentials;
        this.sites = sites;
        this.online = online;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Optional<Identity> operator = OperatorAuth.require(request, response, callback, credentials);
        if (operator.isEmpty()) {
            return true;
        }
        Set<String> live = online.get();
        List<SiteEntry> visible = sites.get().stream()
                .filter(s -> s.enabled() && operator.get().mayAccess(s.group()))
                .map(s -> new SiteEntry(s.id(), s.name(), s.location(), s.group(), live.contains(s.id())))
                .toList();
        HttpJson.send(response, callback, HttpStatus.OK_200, Map.of("sites", visible));
        return true;
    }
}
