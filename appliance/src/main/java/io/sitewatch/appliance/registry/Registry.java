package io.sitewatch.appliance.registry;

import io.sitewatch.appliance.auth.Passwords;
import io.sitewatch.appliance.auth.Tokens;
import io.sitewatch.appliance.store.Operator;
import io.sitewatch.appliance.store.RegistryData;
import io.sitewatch.appliance.store.Room;
import io.sitewatch.appliance.store.Site;
import io.sitewatch.appliance.store.SiteRepository.Enrolment;
import io.sitewatch.appliance.store.Store;
import io.sitewatch.appliance.store.StoreException;
import io.sitewatch.appliance.store.TokenRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Enrols and changes sites and operators: writes the database, keeps the {@link Directory} in
 * step, and ends live sessions whose credential no longer holds (disabled site, rotated token).
 * Tokens are returned exactly once, when issued.
 */
public final class Registry {

    /** What registry changes do to live sessions, at once. */
    public interface LiveEffects {
        /** The credential stopped being valid (revoked token): its sessions end. */
        void credentialRevoked(String credentialId);

        /** The site was disabled or removed, or its token rotated: its session ends. */
        void siteRevoked(String siteId);

        /** The operator was removed: its sessions end. */
        void operatorRevoked(String name);

        /** The site was renamed or moved to another group. */
        void siteChanged(Site site);

        /** The operator's groups changed. */
        void operatorChanged(Operator operator);

        /** A room was defined (capacity, shared by all groups) or its definition removed (null capacity). */
        void roomDefined(String name, Integer capacity, boolean shared);
    }

    public record SiteSpec(String id, String name, String location, String group) {}

    public record Enrolled(Site site, String token) {}

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_TEXT = 200;

    private final Store store;
    private final Directory directory;
    private final LiveEffects live;
    /** Set on a standby: the registry is a copy of the primary's, changed only by mirroring. */
    private volatile String primary;
    private final Tokens tokens = new Tokens();
    private final Passwords passwords;
    private final Duration operatorTokenTtl;
    private final Clock clock;

    public Registry(Store store, Directory directory, LiveEffects live, Passwords passwords,
                    Duration operatorTokenTtl, Clock clock) {
        this.store = store;
        this.directory = directory;
        this.live = live;
        store.rooms().list().forEach(room -> live.roomDefined(room.name(), room.capacity(), room.shared()));
        this.passwords = passwords;
        this.operatorTokenTtl = operatorTokenTtl;
        this.clock = clock;
    }

    // ---- sites ----

    public Enrolled addSite(SiteSpec spec) {
        writable();
        Pending pending = enrol(spec, clock.instant());
        try {
            store.sites().add(pending.enrolment());
        } catch (StoreException.Conflict e) {
            throw new RegistryException(RegistryException.Kind.CONFLICT, "site '" + spec.id() + "' exists");
        }
        directory.put(pending.enrolment().site());
        return new Enrolled(pending.enrolment().site(), pending.token());
    }

    /** Enrols a fleet in one transaction: all sites or, on any error, none. */
    public List<Enrolled> importSites(List<SiteSpec> specs) {
        writable();
        Instant now = clock.instant();
        Set<String> seen = new HashSet<>();
        List<Pending> enrolments = new ArrayList<>();
        for (SiteSpec spec : specs) {
            if (!seen.add(spec.id())) {
                throw new RegistryException(RegistryException.Kind.CONFLICT, "site '" + spec.id()
                        + "' appears twice in the import");
            }
            if (directory.site(spec.id()).isPresent()) {
                throw new RegistryException(RegistryException.Kind.CONFLICT, "site '" + spec.id() + "' exists");
            }
            enrolments.add(enrol(spec, now));
        }
        try {
            store.sites().addAll(enrolments.stream().map(Pending::enrolment).toList());
        } catch (StoreException.Conflict e) {
            throw new RegistryException(RegistryException.Kind.CONFLICT, e.getMessage());
        }
        List<Enrolled> enrolled = new ArrayList<>();
        for (Pending pending : enrolments) {
            directory.put(pending.enrolment().site());
            enrolled.add(new Enrolled(pending.enrolment().site(), pending.token()));
        }
        return enrolled;
    }

    public Site site(String id) {
        return directory.site(id).orElseThrow(() -> RegistryException.notFound("site", id));
    }

    public List<Site> sites() {
        return directory.sites().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    }

    /** Changes name, location or group (null keeps the current value). */
    public Site updateSite(String id, String name, String location, String group) {
        writable();
        Site current = site(id);
        Site updated = new Site(id, name == null ? current.name() : text(name, "name"),
                location == null ? current.location() : text(location, "location"),
                group == null ? current.group() : id(group, "group"), current.enabled(), current.createdAt());
        store.sites().update(updated);
        directory.put(updated);
        live.siteChanged(updated);
        return updated;
    }

    /** Disabling a site ends its live session (4001). */
    public Site setEnabled(String id, boolean enabled) {
        writable();
        Site updated = site(id).withEnabled(enabled);
        store.sites().update(updated);
        directory.put(updated);
        if (!enabled) {
            live.siteRevoked(id);
        }
        return updated;
    }

    public void removeSite(String id) {
        writable();
        site(id);
        store.sites().remove(id);
        directory.removeSite(id);
        live.siteRevoked(id);
    }

    /**
     * Removes many sites in one transaction (a load test's temporary fleet); all must exist, or none is
     * removed. Their live sessions end (4001).
     */
    public void removeSites(List<String> ids) {
        writable();
        ids.forEach(this::site);
        store.sites().removeAll(ids);
        for (String id : ids) {
            directory.removeSite(id);
            live.siteRevoked(id);
        }
    }

    /** A new token for the site; the old one stops working and its live session ends (4001). */
    public String rotateSiteToken(String id) {
        writable();
        site(id);
        Tokens.Issued issued = tokens.issue(TokenRecord.Kind.SITE, id, clock.instant(), null);
        store.sites().replaceToken(id, issued.record());
        live.siteRevoked(id);
        return issued.token();
    }

    // ---- operators ----

    public Operator addOperator(String name, String password, Set<String> groups) {
        writable();
        id(name, "operator name");
        Operator operator = new Operator(name, passwords.hash(password(password)), groups(groups), clock.instant());
        try {
            store.operators().add(operator);
        } catch (StoreException.Conflict e) {
            throw new RegistryException(RegistryException.Kind.CONFLICT, "operator '" + name + "' exists");
        }
        directory.put(operator);
        return operator;
    }

    public Operator operator(String name) {
        return directory.operator(name).orElseThrow(() -> RegistryException.notFound("operator", name));
    }

    public List<Operator> operators() {
        return directory.operators().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    /** Changes the groups an operator may watch (null: all); its live sessions follow at once. */
    public Operator setGroups(String name, Set<String> groups) {
        writable();
        Operator updated = new Operator(name, operator(name).passwordHash(), groups(groups), operator(name).createdAt());
        store.operators().update(updated);
        directory.put(updated);
        live.operatorChanged(updated);
        return updated;
    }

    public void setPassword(String name, String password) {
        writable();
        Operator updated = operator(name).withPasswordHash(passwords.hash(password(password)));
        store.operators().update(updated);
        directory.put(updated);
    }

    public void removeOperator(String name) {
        writable();
        operator(name);
        store.operators().remove(name);
        directory.removeOperator(name);
        live.operatorRevoked(name);
    }

    /** An operator token, e.g. for a wall screen; null ttl uses the configured login lifetime. */
    public Tokens.Issued issueOperatorToken(String name, Duration ttl) {
        operator(name);
        Instant now = clock.instant();
        Tokens.Issued issued = tokens.issue(TokenRecord.Kind.OPERATOR, name, now,
                now.plus(ttl == null ? operatorTokenTtl : ttl));
        store.tokens().add(issued.record());
        return issued;
    }

    /** Checks the password (slow hash) and issues a login token; empty on a wrong name or password. */
    public Optional<Tokens.Issued> login(String name, String password) {
        Optional<Operator> operator = directory.operator(name);
        if (operator.isEmpty() || !Passwords.verify(password, operator.get().passwordHash())) {
            return Optional.empty();
        }
        return Optional.of(issueOperatorToken(name, null));
    }

    /** Revokes one token; its live sessions end (4001). */
    public boolean revokeToken(String tokenId) {
        writable();
        boolean revoked = store.tokens().revoke(tokenId);
        live.credentialRevoked(tokenId);
        return revoked;
    }

    // ---- groups ----

    public List<String> groups() {
        return store.groups().list();
    }

    public void addGroup(String name) {
        writable();
        if (!store.groups().add(id(name, "group"))) {
            throw new RegistryException(RegistryException.Kind.CONFLICT, "group '" + name + "' exists");
        }
    }

    /** Refused while sites belong to the group; operators naming it simply see no sites of it. */
    public void removeGroup(String name) {
        writable();
        try {
            if (!store.groups().remove(name)) {
                throw RegistryException.notFound("group", name);
            }
        } catch (StoreException.Conflict e) {
            throw new RegistryException(RegistryException.Kind.CONFLICT, e.getMessage());
        }
    }

    // ---- voice rooms ----

    /**
     * Defines a room, or changes it; members already in it stay. A shared room is one room for
     * every group; otherwise each group has its own room of that name.
     */
    public Room putRoom(String name, int capacity, boolean shared) {
        writable();
        if (name == null || name.isBlank() || name.length() > 64 || name.chars().anyMatch(Character::isISOControl)) {
            throw RegistryException.invalid("room names are 1-64 printable characters");
        }
        if (capacity < 2 || capacity > 64) {
            throw RegistryException.invalid("a room holds 2-64 members");
        }
        Room room = new Room(name, capacity, shared, clock.instant());
        store.rooms().put(room);
        live.roomDefined(name, capacity, shared);
        return room;
    }

    public void removeRoom(String name) {
        writable();
        if (!store.rooms().remove(name)) {
            throw RegistryException.notFound("room", name);
        }
        live.roomDefined(name, null, false);
    }

    public List<Room> rooms() {
        return store.rooms().list();
    }

    // ---- standby ----

    /** From now on this registry mirrors {@code primaryUrl}'s: admin changes are refused with a hint. */
    public void followPrimary(String primaryUrl) {
        this.primary = primaryUrl;
    }

    /**
     * Takes the primary's registry as a whole. Live sessions follow: a vanished or disabled site, a removed
     * operator, a revoked token end their sessions; moved sites and regrouped operators take effect at once.
     */
    public void mirror(RegistryData copy) {
        RegistryData before = store.registry();
        store.replaceRegistry(copy);
        directory.replaceAll(copy.sites(), copy.operators());
        java.util.Map<String, Site> sitesNow = new java.util.HashMap<>();
        copy.sites().forEach(site -> sitesNow.put(site.id(), site));
        for (Site old : before.sites()) {
            Site now = sitesNow.get(old.id());
            if (now == null || !now.enabled()) {
                live.siteRevoked(old.id());
            } else if (!now.group().equals(old.group()) || !now.name().equals(old.name())) {
                live.siteChanged(now);
            }
        }
        java.util.Map<String, Operator> operatorsNow = new java.util.HashMap<>();
        copy.operators().forEach(op -> operatorsNow.put(op.name(), op));
        for (Operator old : before.operators()) {
            Operator now = operatorsNow.get(old.name());
            if (now == null) {
                live.operatorRevoked(old.name());
            } else if (!java.util.Objects.equals(now.groups(), old.groups())) {
                live.operatorChanged(now);
            }
        }
        Set<String> tokensNow = new HashSet<>();
        copy.tokens().forEach(token -> tokensNow.add(token.id()));
        before.tokens().stream().filter(token -> !tokensNow.contains(token.id()))
                .forEach(token -> live.credentialRevoked(token.id()));
        Set<String> roomsNow = new HashSet<>();
        for (Room room : copy.rooms()) {
            roomsNow.add(room.name());
            live.roomDefined(room.name(), room.capacity(), room.shared());
        }
        before.rooms().stream().filter(room -> !roomsNow.contains(room.name()))
                .forEach(room -> live.roomDefined(room.name(), null, false));
    }

    private void writable() {
        if (primary != null) {
            throw new RegistryException(RegistryException.Kind.CONFLICT, "this appliance is a standby of "
                    + primary + ": make changes there (they reach this standby within seconds)");
        }
    }

    // ---- validation ----

    /** An enrolment about to be written, with the token to show once it is. */
    private record Pending(Enrolment enrolment, String token) {}

    private Pending enrol(SiteSpec spec, Instant now) {
        String id = id(spec.id(), "site id");
        Site site = new Site(id, spec.name() == null ? null : text(spec.name(), "name"),
                spec.location() == null ? null : text(spec.location(), "location"),
                spec.group() == null ? null : id(spec.group(), "group"), true, now);
        Tokens.Issued issued = tokens.issue(TokenRecord.Kind.SITE, id, now, null);
        return new Pending(new Enrolment(site, issued.record()), issued.token());
    }

    private static String id(String value, String what) {
        if (value == null || !ID.matcher(value).matches()) {
            throw RegistryException.invalid(what + " must be 1-64 letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit" + (value == null ? "" : " (got '" + value + "')"));
        }
        return value;
    }

    private static String text(String value, String what) {
        if (value.length() > MAX_TEXT || value.chars().anyMatch(Character::isISOControl)) {
            throw RegistryException.invalid(what + " must be at most " + MAX_TEXT + " printable characters");
        }
        return value.strip();
    }

    private static String password(String password) {
        if (password == null || password.length() < 8 || password.length() > 1024) {
            throw RegistryException.invalid("passwords are 8-1024 characters");
        }
        return password;
    }

    private static Set<String> groups(Set<String> groups) {
        if (groups != null) {
            groups.forEach(g -> id(g, "group"));
        }
        return groups;
    }
}
