package io.sitewatch.appliance.registry;

import io.sitewatch.appliance.auth.Tokens;
import io.sitewatch.appliance.signal.Credentials;
import io.sitewatch.appliance.signal.Identity;
import io.sitewatch.appliance.signal.SiteDirectory;
import io.sitewatch.appliance.store.Operator;
import io.sitewatch.appliance.store.Site;
import io.sitewatch.appliance.store.TokenRecord;
import io.sitewatch.appliance.store.TokenRepository;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sites and operators held in memory (a fleet is small; the registry keeps this in step with
 * the database), and the credential check of every {@code hello}: one token row read by
 * primary key, a SHA-256 and a map lookup.
 */
public final class Directory implements Credentials, SiteDirectory {

    private final TokenRepository tokens;
    private final Clock clock;
    private final Map<String, Site> sites = new ConcurrentHashMap<>();
    private final Map<String, Operator> operators = new ConcurrentHashMap<>();

    public Directory(TokenRepository tokens, Clock clock, List<Site> sites, List<Operator> operators) {
        this.tokens = tokens;
        this.clock = clock;
        sites.forEach(this::put);
        operators.forEach(this::put);
    }

    @Override
    public Optional<Identity> authenticate(String token) {
        return Tokens.parse(token).flatMap(parts -> tokens.find(parts.id())
                .filter(record -> Tokens.verify(record, parts.secret(), clock.instant()))
                .flatMap(this::identityOf));
    }

    private Optional<Identity> identityOf(TokenRecord token) {
        if (token.kind() == TokenRecord.Kind.SITE) {
            return site(token.subject()).filter(Site::enabled)
                    .map(s -> Identity.site(s.id(), s.name(), token.id(), s.group()));
        }
        return operator(token.subject()).map(o -> Identity.operator(o.name(), token.id(), o.groups()));
    }

    @Override
    public Optional<SiteInfo> find(String siteId) {
        return site(siteId).map(s -> new SiteInfo(s.id(), s.name(), s.group(), s.enabled()));
    }

    public Optional<Site> site(String id) {
        return Optional.ofNullable(sites.get(id));
    }

    public Optional<Operator> operator(String name) {
        return Optional.ofNullable(operators.get(name));
    }

    public Collection<Site> sites() {
        return sites.values();
    }

    public Collection<Operator> operators() {
        return operators.values();
    }

    /** Replaces every site and operator at once (a standby's fresh copy of the registry). */
    void replaceAll(List<Site> newSites, List<Operator> newOperators) {
        newSites.forEach(this::put);
        sites.keySet().retainAll(newSites.stream().map(Site::id).collect(java.util.stream.Collectors.toSet()));
        newOperators.forEach(this::put);
        operators.keySet().retainAll(newOperators.stream().map(Operator::name)
                .collect(java.util.stream.Collectors.toSet()));
    }

    void put(Site site) {
        sites.put(site.id(), site);
    }

    void put(Operator operator) {
        operators.put(operator.name(), operator);
    }

    void removeSite(String id) {
        sites.remove(id);
    }

    void removeOperator(String name) {
        operators.remove(name);
    }
}
