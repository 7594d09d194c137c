package io.sitewatch.appliance.admin;

import io.sitewatch.appliance.admin.dto.AdminDto.CaCertificate;
import io.sitewatch.appliance.admin.dto.AdminDto.Diagnostics;
import io.sitewatch.appliance.admin.dto.AdminDto.EnrolledSite;
import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import io.sitewatch.appliance.admin.dto.AdminDto.IssuedToken;
import io.sitewatch.appliance.admin.dto.AdminDto.GroupRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.OperatorChange;
import io.sitewatch.appliance.admin.dto.AdminDto.OperatorRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.OperatorView;
import io.sitewatch.appliance.admin.dto.AdminDto.PasswordRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.RoomRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteChange;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteRemoval;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.SiteView;
import io.sitewatch.appliance.admin.dto.AdminDto.Status;
import io.sitewatch.appliance.admin.dto.AdminDto.TokenRequest;
import io.sitewatch.appliance.auth.Tokens;
import io.sitewatch.appliance.http.HttpJson;
import io.sitewatch.appliance.recording.RecordingArchive;
import io.sitewatch.appliance.registry.Registry;
import io.sitewatch.appliance.signal.SignalCore;
import io.sitewatch.appliance.signal.SignalViews.SessionView;
import io.sitewatch.appliance.store.Operator;
import io.sitewatch.appliance.store.Site;
import io.sitewatch.appliance.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local admin API (design.md, Admin API): everything the CLI shows or changes. JSON over
 * HTTP on the admin socket; {@code GET /v1/events?follow=true} streams JSON lines.
 */
public final class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final int MAX_EVENTS = 10_000;
    private static final long FOLLOW_KEEPALIVE_SECONDS = 15;

    private final Registry registry;
    private final SignalCore core;
    private final Store store;
    private final EventHub hub;
    private final RecordingsAdmin recordings;
    private final Supplier<Status> status;
    private final Supplier<String> config;
    private final Supplier<Optional<CaCertificate>> ca;
    private final Supplier<Diagnostics> diagnostics;
    private final BackupWriter backups;

    /** Writes a backup archive (see {@code BackupArchive}) to the response. */
    @FunctionalInterface
    public interface BackupWriter {
        void write(OutputStream out, boolean withRecordings) throws IOException;
    }

    public AdminApi(Registry registry, SignalCore core, Store store, EventHub hub, RecordingArchive recordings,
                    Supplier<Status> status, Supplier<String> config, Supplier<Optional<CaCertificate>> ca,
                    Supplier<Diagnostics> diagnostics, BackupWriter backups) {
        this.registry = registry;
        this.core = core;
        this.store = store;
        this.hub = hub;
        this.recordings = new RecordingsAdmin(recordings);
        this.status = status;
        this.config = config;
        this.ca = ca;
        this.diagnostics = diagnostics;
        this.backups = backups;
    }

    public Handler handler() {
        return recordings.addTo(new Routes())
                .add("GET", "/v1/status", call -> status.get())
                .add("GET", "/v1/config", call -> Map.of("toml", config.get()))
                .add("GET", "/v1/cert/ca", call -> ca.get().orElseThrow(() -> new Routes.ApiException(
                        HttpStatus.NOT_FOUND_404, "not-found", "the appliance has no CA of its own: it serves a "
                        + "user-supplied certificate or runs without TLS")))
                .add("GET", "/v1/diagnostics", call -> diagnostics.get())
                .add("GET", "/v1/backup", this::backup)
                .add("GET", "/v1/sites", call -> registry.sites().stream().map(this::view).toList())
                .add("POST", "/v1/sites", call -> enrol(call.body(SiteRequest.class)))
                .add("POST", "/v1/sites/import", call -> importSites(call.body(SiteRequest[].class)))
                .add("POST", "/v1/sites/remove", call -> {
                    SiteRemoval removal = call.body(SiteRemoval.class);
                    if (removal.ids() == null || removal.ids().isEmpty()) {
                        throw new Routes.ApiException(HttpStatus.BAD_REQUEST_400, "bad-request", "ids: sites to remove");
                    }
                    registry.removeSites(removal.ids());
                    return Map.of("removed", removal.ids().size());
                })
                .add("GET", "/v1/sites/{id}", call -> view(registry.site(call.param("id"))))
                .add("PATCH", "/v1/sites/{id}", call -> {
                    SiteChange change = call.body(SiteChange.class);
                    return view(registry.updateSite(call.param("id"), change.name(), change.location(),
                            change.group()));
                })
                .add("DELETE", "/v1/sites/{id}", call -> {
                    registry.removeSite(call.param("id"));
                    return null;
                })
                .add("POST", "/v1/sites/{id}/enable", call -> view(registry.setEnabled(call.param("id"), true)))
                .add("POST", "/v1/sites/{id}/disable", call -> view(registry.setEnabled(call.param("id"), false)))
                .add("POST", "/v1/sites/{id}/rotate-token", call -> {
                    String token = registry.rotateSiteToken(call.param("id"));
                    return new EnrolledSite(view(registry.site(call.param("id"))), token);
                })
                .add("GET", "/v1/operators", call -> registry.operators().stream().map(this::view).toList())
                .add("POST", "/v1/operators", call -> {
                    OperatorRequest req = call.body(OperatorRequest.class);
                    return view(registry.addOperator(req.name(), req.password(),
                            req.groups() == null ? null : Set.copyOf(req.groups())));
                })
                .add("GET", "/v1/operators/{name}", call -> view(registry.operator(call.param("name"))))
                .add("PATCH", "/v1/operators/{name}", call -> {
                    OperatorChange change = call.body(OperatorChange.class);
                    return view(registry.setGroups(call.param("name"), Boolean.TRUE.equals(change.allGroups()) ? null
                            : change.groups() == null ? registry.operator(call.param("name")).groups()
                            : Set.copyOf(change.groups())));
                })
                .add("GET", "/v1/groups", call -> registry.groups())
                .add("POST", "/v1/groups", call -> {
                    registry.addGroup(call.body(GroupRequest.class).name());
                    return registry.groups();
                })
                .add("DELETE", "/v1/groups/{name}", call -> {
                    registry.removeGroup(call.param("name"));
                    return null;
                })
                .add("POST", "/v1/operators/{name}/password", call -> {
                    registry.setPassword(call.param("name"), call.body(PasswordRequest.class).password());
                    return null;
                })
                .add("POST", "/v1/operators/{name}/token", call -> issue(call))
                .add("DELETE", "/v1/operators/{name}", call -> {
                    registry.removeOperator(call.param("name"));
                    return null;
                })
                .add("DELETE", "/v1/tokens/{id}", call -> Map.of("revoked", registry.revokeToken(call.param("id"))))
                .add("GET", "/v1/sessions", call -> core.sessions())
                .add("DELETE", "/v1/sessions/{id}", call -> {
                    if (!core.kick(call.param("id"))) {
                        throw new Routes.ApiException(HttpStatus.NOT_FOUND_404, "not-found",
                                "no session '" + call.param("id") + "'");
                    }
                    return null;
                })
                .add("GET", "/v1/links", call -> core.links())
                .add("GET", "/v1/control", call -> core.controls())
                .add("POST", "/v1/control/{site}/release", call -> Map.of("released", core.release(call.param("site"))))
                .add("GET", "/v1/rooms", call -> core.rooms())
                .add("GET", "/v1/rooms/defined", call -> registry.rooms())
                .add("POST", "/v1/rooms", call -> {
                    RoomRequest req = call.body(RoomRequest.class);
                    return registry.putRoom(req.name(), req.capacity() == null ? core.capacityOf(req.name()) : req.capacity(),
                            Boolean.TRUE.equals(req.shared()));
                })
                .add("DELETE", "/v1/rooms/{name}", call -> {
                    registry.removeRoom(call.param("name"));
                    return null;
                })
                .add("GET", "/v1/events", this::events);
    }

    private EnrolledSite enrol(SiteRequest req) {
        Registry.Enrolled enrolled = registry.addSite(spec(req));
        return new EnrolledSite(view(enrolled.site()), enrolled.token());
    }

    private List<EnrolledSite> importSites(SiteRequest[] requests) {
        List<Registry.SiteSpec> specs = java.util.Arrays.stream(requests).map(AdminApi::spec).toList();
        return registry.importSites(specs).stream().map(e -> new EnrolledSite(view(e.site()), e.token())).toList();
    }

    private static Registry.SiteSpec spec(SiteRequest req) {
        return new Registry.SiteSpec(req.id(), req.name(), req.location(), req.group());
    }

    private IssuedToken issue(Routes.Call call) {
        Long minutes = call.body().length == 0 ? null : call.body(TokenRequest.class).ttlMinutes();
        if (minutes != null && minutes < 1) {
            throw new Routes.ApiException(HttpStatus.BAD_REQUEST_400, "bad-request", "ttlMinutes must be positive");
        }
        Tokens.Issued issued = registry.issueOperatorToken(call.param("name"),
                minutes == null ? null : Duration.ofMinutes(minutes));
        return new IssuedToken(issued.record().subject(), issued.record().id(), issued.token(),
                issued.record().expiresAt());
    }

    private SiteView view(Site site) {
        String session = core.sessions().stream()
                .filter(s -> s.role().equals("site") && s.id().equals(site.id()))
                .map(SessionView::sessionId).findFirst().orElse(null);
        return new SiteView(site.id(), site.name(), site.location(), site.group(), site.enabled(), site.createdAt(),
                session != null, session);
    }

    private OperatorView view(Operator operator) {
        int sessions = (int) core.sessions().stream()
                .filter(s -> s.role().equals("operator") && s.id().equals(operator.name())).count();
        return new OperatorView(operator.name(), operator.groups() == null ? null
                : operator.groups().stream().sorted().toList(), operator.createdAt(), sessions);
    }

    /**
     * Stored events after {@code after} (seq) or since {@code since} (ISO time); with follow, then live ones,
     * and with {@code stats=true} the live-only link statistics too. A follower is subscribed before the
     * stored events are read and the response starts at once (a blank line), so a client that reads the
     * current state after the stream opened misses nothing.
     */
    private Object events(Routes.Call call) throws Exception {
        long after = parseLong(call.query("after"), 0);
        Instant since = parseInstant(call.query("since"));
        int limit = (int) Math.min(MAX_EVENTS, parseLong(call.query("limit"), 1000));
        boolean follow = "true".equals(call.query("follow"));
        boolean stats = "true".equals(call.query("stats"));
        if (!follow) {
            store.flush();
            return store.events().list(after, since, limit).stream().map(AdminApi::view).toList();
        }
        Response response = call.response();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-ndjson");
        try (EventHub.Subscription live = hub.subscribe(4096, stats)) {
            store.flush();
            for (var event : store.events().list(after, since, limit)) {
                write(response, view(event));
            }
            writeLine(response, "");
            while (!live.overflowed()) {
                EventView event = live.queue().poll(FOLLOW_KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                if (event == null) {
                    writeLine(response, "");
                } else {
                    write(response, event);
                }
            }
        } catch (java.io.IOException e) {
            // the follower went away
        }
        call.callback().succeeded();
        return Routes.HANDLED;
    }

    /** Streams a zip; a failure before the first byte is an ordinary error answer, later it aborts the stream. */
    private Object backup(Routes.Call call) {
        Response response = call.response();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/zip");
        OutputStream out = Content.Sink.asOutputStream(response);
        try {
            backups.write(out, "true".equals(call.query("recordings")));
            out.close();
        } catch (IOException | RuntimeException e) {
            if (!response.isCommitted()) {
                throw new Routes.ApiException(HttpStatus.INTERNAL_SERVER_ERROR_500, "backup-failed",
                        "cannot back up: " + e.getMessage());
            }
            LOG.warn("backup aborted: {}", e.toString());
            call.callback().failed(e);
            return Routes.HANDLED;
        }
        LOG.info("backup written to the admin client");
        call.callback().succeeded();
        return Routes.HANDLED;
    }

    private static void write(Response response, EventView event) throws Exception {
        writeLine(response, HttpJson.MAPPER.writeValueAsString(event));
    }

    private static void writeLine(Response response, String line) throws java.io.IOException {
        try (Blocker.Callback written = Blocker.callback()) {
            response.write(false, ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)), written);
            written.block();
        }
    }

    private static EventView view(io.sitewatch.appliance.store.StoredEvent e) {
        return new EventView(e.seq(), e.at(), e.kind(), e.session(), e.peer(), e.detail(), null);
    }

    private static long parseLong(String value, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new Routes.ApiException(HttpStatus.BAD_REQUEST_400, "bad-request", "not a number: " + value);
        }
    }

    private static Instant parseInstant(String value) {
        if (value == null) {
            return Instant.EPOCH;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new Routes.ApiException(HttpStatus.BAD_REQUEST_400, "bad-request",
                    "since must be an ISO-8601 instant, e.g. 2026-11-23T10:00:00Z");
        }
    }
}
