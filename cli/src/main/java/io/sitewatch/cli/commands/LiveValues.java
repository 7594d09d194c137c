package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Site ids, operator names, session ids and room names from the running appliance, for the shell's tab
 * completion. Each list is fetched when first asked for and reused for a few seconds, so pressing Tab twice costs
 * one request. Empty outside the shell: a one-shot command or a generated completion script never calls the
 * appliance for them.
 */
public final class LiveValues {

    /** What can be completed, and where the admin API lists it. */
    public enum Kind {
        SITES("/v1/sites", "id"),
        OPERATORS("/v1/operators", "name"),
        SESSIONS("/v1/sessions", "sessionId"),
        ROOMS("/v1/rooms", "room");

        final String path;
        final String field;

        Kind(String path, String field) {
            this.path = path;
            this.field = field;
        }
    }

    /** Opens a client to the appliance the shell talks to. */
    @FunctionalInterface
    public interface Source {
        AdminClient open() throws AdminException;
    }

    private record Fetched(Instant at, List<String> values) {}

    static final Duration REUSE = Duration.ofSeconds(5);

    private final Map<Kind, Fetched> cache = new EnumMap<>(Kind.class);
    private Source source;
    private Clock clock = Clock.systemUTC();

    /** Starts answering from this appliance. */
    public synchronized void enable(Source newSource, Clock newClock) {
        this.source = newSource;
        this.clock = newClock;
        cache.clear();
    }

    synchronized void disable() {
        source = null;
        cache.clear();
    }

    /** Forgets what was fetched, e.g. after a command that may have changed it. */
    public synchronized void forget() {
        cache.clear();
    }

    /** The current values; empty when disabled or when the appliance cannot be asked. */
    public synchronized List<String> values(Kind kind) {
        if (source == null) {
            return List.of();
        }
        Instant now = clock.instant();
        Fetched fetched = cache.get(kind);
        if (fetched == null || !now.isBefore(fetched.at().plus(REUSE))) {
            fetched = new Fetched(now, fetch(kind));
            cache.put(kind, fetched);
        }
        return fetched.values();
    }

    private List<String> fetch(Kind kind) {
        try (AdminClient client = source.open()) {
            List<String> values = new ArrayList<>();
            for (JsonNode item : client.get(kind.path, new TypeReference<List<JsonNode>>() {})) {
                values.add(item.path(kind.field).asText());
            }
            return List.copyOf(values);
        } catch (AdminException e) {
            return List.of(); // completion offers nothing; the command itself will say what is wrong
        }
    }
}
