package io.sitewatch.appliance.http;

import io.sitewatch.appliance.recording.ChunkUpload;
import io.sitewatch.appliance.recording.ChunkView;
import io.sitewatch.appliance.recording.RecordingArchive;
import io.sitewatch.appliance.recording.RecordingException;
import io.sitewatch.appliance.recording.RecordingView;
import io.sitewatch.appliance.signal.Credentials;
import io.sitewatch.appliance.signal.Identity;
import io.sitewatch.appliance.store.Chunk;
import io.sitewatch.appliance.store.Recording;
import io.sitewatch.appliance.store.Site;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/recordings/...} (docs/protocol.md, Recordings): sites upload chunks of their own
 * recordings with their site token; operators list, download and stream the recordings of the
 * sites they may watch. To an operator restricted to groups, another group's recordings do not
 * exist (404, never listed).
 */
final class RecordingsHandler extends Handler.Abstract {

    static final String PREFIX = "/api/recordings";
    private static final Logger LOG = LoggerFactory.getLogger(RecordingsHandler.class);
    private static final int DEFAULT_LIMIT = 500;
    private static final int MAX_LIMIT = 5000;
    /** Chunks never change once stored, so the browser may keep them (only for this user). */
    private static final String IMMUTABLE = "private, max-age=86400, immutable";

    /** A refusal this handler answers itself. */
    private static final class Refused extends Exception {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private final Credentials credentials;
    private final RecordingArchive archive;
    private final Supplier<List<Site>> sites;

    RecordingsHandler(Credentials credentials, RecordingArchive archive,
                      Supplier<List<Site>> sites) {
        this.credentials = credentials;
        this.archive = archive;
        this.sites = sites;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        // The full path: PathMappingsHandler hands on a request whose path in context is only what its spec left.
        String rest = request.getHttpURI().getCanonicalPath().substring(PREFIX.length());
        List<String> path = Arrays.stream(rest.split("/")).filter(s -> !s.isEmpty()).toList();
        try {
            route(request, response, callback, path);
        } catch (Refused e) {
            drainUpload(request);
            HttpJson.error(response, callback, e.status, e.code, e.getMessage());
        } catch (RecordingException e) {
            drainUpload(request);
            refused(request, response, callback, e);
        } catch (IOException | RuntimeException e) {
            LOG.error("{} {} failed", request.getMethod(), request.getHttpURI().getCanonicalPath(), e);
            drainUpload(request);
            HttpJson.error(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "internal",
                    "the appliance could not complete this request");
        }
        return true;
    }

    private void route(Request request, Response response, Callback callback, List<String> path)
            throws Refused, IOException {
        int n = path.size();
        if (n == 0) {
            allow(request, "GET");
            list(operator(request), request, response, callback);
        } else if (n == 1 && path.get(0).equals("settings")) {
            allow(request, "GET");
            HttpJson.send(response, callback, HttpStatus.OK_200, archive.settingsFor(site(request).id()));
        } else if (n == 1) {
            allow(request, "GET");
            Recording recording = visible(operator(request), path.get(0));
            HttpJson.send(response, callback, HttpStatus.OK_200, Map.of("recording", RecordingView.of(recording),
                    "chunks", archive.chunks(recording.id()).stream().map(ChunkView::of).toList()));
        } else if (n == 2 && path.get(1).equals("stream")) {
            allow(request, "GET", "HEAD");
            stream(visible(operator(request), path.get(0)), request, response, callback);
        } else if (n == 3 && path.get(1).equals("chunks")) {
            if (HttpMethod.PUT.is(request.getMethod())) {
                Identity site = site(request);
                upload(site, path.get(0), seq(path.get(2)), request, response, callback);
            } else {
                allow(request, "PUT", "GET", "HEAD");
                Recording recording = visible(operator(request), path.get(0));
                int seq = seq(path.get(2));
                Chunk chunk = archive.chunk(recording.id(), seq).orElseThrow(() -> new Refused(
                        HttpStatus.NOT_FOUND_404, "not-found", "recording " + recording.id() + " has no chunk " + seq));
                send(List.of(chunk), chunk.mimeType(), request, response, callback);
            }
        } else {
            throw new Refused(HttpStatus.NOT_FOUND_404, "not-found", "no such endpoint");
        }
    }

    private void upload(Identity site, String recordingId, int seq, Request request, Response response,
                        Callback callback) throws Refused, IOException {
        Fields query = Request.extractQueryParameters(request);
        String claimed = query.getValue("site");
        if (claimed != null && !claimed.equals(site.id())) {
            throw new Refused(HttpStatus.FORBIDDEN_403, "forbidden", "this token belongs to site " + site.id()
                    + ", not " + claimed + ": a site uploads only its own recordings");
        }
        long length = request.getLength();
        if (length < 0) {
            throw new Refused(HttpStatus.LENGTH_REQUIRED_411, "length-required", "send the chunk with a Content-Length");
        }
        String sha256 = query.getValue("sha256");
        ChunkUpload upload = new ChunkUpload(site.id(), recordingId, seq,
                Instant.ofEpochMilli(number(query, "startedAt")), number(query, "durationMs"),
                request.getHeaders().get(HttpHeader.CONTENT_TYPE),
                sha256 == null ? null : sha256.toLowerCase(Locale.ROOT), length);
        RecordingArchive.Stored stored = archive.store(upload, Request.asInputStream(request));
        drainUpload(request); // a chunk stored already is answered without reading it
        int status = stored == RecordingArchive.Stored.CREATED ? HttpStatus.CREATED_201 : HttpStatus.OK_200;
        HttpJson.send(response, callback, status, Map.of("recordingId", recordingId, "seq", seq, "bytes", length,
                "sha256", upload.sha256(), "status", stored.name().toLowerCase(Locale.ROOT)));
    }

    private void list(Identity operator, Request request, Response response, Callback callback) throws Refused {
        Fields query = Request.extractQueryParameters(request);
        String site = query.getValue("site");
        Set<String> visible = visibleSites(operator);
        Set<String> wanted = site == null ? visible
                : visible == null || visible.contains(site) ? Set.of(site) : Set.of();
        Instant since = instant(query, "since", Instant.EPOCH);
        Instant until = instant(query, "until", Instant.parse("9999-01-01T00:00:00Z"));
        long limit = query.getValue("limit") == null ? DEFAULT_LIMIT : number(query, "limit");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new Refused(HttpStatus.BAD_REQUEST_400, "bad-request", "limit must be 1-" + MAX_LIMIT);
        }
        if (!since.isBefore(until)) {
            throw new Refused(HttpStatus.BAD_REQUEST_400, "bad-request", "since must be before until");
        }
        List<RecordingView> found = wanted != null && wanted.isEmpty() ? List.of()
                : archive.list(wanted, since, until, (int) limit).stream().map(RecordingView::of).toList();
        HttpJson.send(response, callback, HttpStatus.OK_200, Map.of("recordings", found));
    }

    /** The whole recording: its chunks' files one after another, in sequence order. */
    private void stream(Recording recording, Request request, Response response, Callback callback) throws Refused {
        send(archive.chunks(recording.id()), recording.mimeType(), request, response, callback);
    }

    private void send(List<Chunk> chunks, String mimeType, Request request, Response response, Callback callback)
            throws Refused {
        List<Path> files = chunks.stream().map(archive::file).toList();
        if (files.isEmpty() || !files.stream().allMatch(Files::isRegularFile)) {
            throw new Refused(HttpStatus.NOT_FOUND_404, "not-found", "that recording was just removed by retention");
        }
        FileResponses.send(request, response, callback, mimeType, files,
                chunks.stream().mapToLong(Chunk::bytes).sum(), IMMUTABLE);
    }

    /**
     * Reads what is left of an upload's body before answering. A server that answers early and closes
     * with unread data makes the client's TCP stack reset the connection, and the client (a browser's
     * fetch) then sees a network error instead of the answer, retrying for ever what can never succeed.
     * Bodies up to twice the largest chunk are read, so a slightly too large chunk hears 413; a body larger
     * still is refused unread and the connection closed.
     */
    private void drainUpload(Request request) {
        long length = request.getLength();
        if (!HttpMethod.PUT.is(request.getMethod()) || length < 0 || length > 2 * archive.maxChunkBytes()) {
            return;
        }
        try {
            Content.Source.consumeAll(request);
        } catch (IOException e) {
            // the client went away: nobody is left to answer
        }
    }

    // --- access --------------------------------------------------------------------------------------

    private Identity site(Request request) throws Refused {
        Identity identity = identity(request);
        if (!identity.isSite()) {
            throw new Refused(HttpStatus.FORBIDDEN_403, "forbidden", "this endpoint takes a site token");
        }
        return identity;
    }

    private Identity operator(Request request) throws Refused {
        Identity identity = identity(request);
        if (!identity.isOperator()) {
            throw new Refused(HttpStatus.FORBIDDEN_403, "forbidden", "this endpoint takes an operator token");
        }
        return identity;
    }

    private Identity identity(Request request) throws Refused {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        Optional<Identity> identity = header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? Optional.empty() : credentials.authenticate(header.substring(7).strip());
        return identity.orElseThrow(() -> new Refused(HttpStatus.UNAUTHORIZED_401, "unauthorized",
                "send a valid token as 'Authorization: Bearer <token>'"));
    }

    /** The recording, if it exists and the operator may see its site; otherwise 404, whichever it is. */
    private Recording visible(Identity operator, String id) throws Refused {
        Set<String> sitesVisible = visibleSites(operator);
        return archive.recording(id).filter(r -> sitesVisible == null || sitesVisible.contains(r.siteId()))
                .orElseThrow(() -> new Refused(HttpStatus.NOT_FOUND_404, "not-found", "no recording " + id));
    }

    /** The sites whose recordings an operator sees; null for every site, removed ones included. */
    private Set<String> visibleSites(Identity operator) {
        if (operator.groups() == null) {
            return null;
        }
        return sites.get().stream().filter(s -> operator.mayAccess(s.group())).map(Site::id)
                .collect(Collectors.toSet());
    }

    // --- parameters and answers ----------------------------------------------------------------------

    private static void allow(Request request, String... methods) throws Refused {
        if (!Arrays.asList(methods).contains(request.getMethod())) {
            throw new Refused(HttpStatus.METHOD_NOT_ALLOWED_405, "method-not-allowed",
                    "use " + String.join(" or ", methods));
        }
    }

    private static int seq(String text) throws Refused {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new Refused(HttpStatus.BAD_REQUEST_400, "bad-request", "seq must be a number, not " + text);
        }
    }

    private static long number(Fields query, String name) throws Refused {
        String value = query.getValue(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new Refused(HttpStatus.BAD_REQUEST_400, "bad-request",
                    value == null ? "missing query parameter " + name : name + " must be a whole number");
        }
    }

    private static Instant instant(Fields query, String name, Instant fallback) throws Refused {
        String value = query.getValue(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new Refused(HttpStatus.BAD_REQUEST_400, "bad-request",
                    name + " must be an ISO-8601 instant, e.g. 2026-03-01T10:00:00Z");
        }
    }

    private static void refused(Request request, Response response, Callback callback, RecordingException e) {
        int status;
        String code;
        switch (e.reason()) {
            case INVALID -> { status = HttpStatus.BAD_REQUEST_400; code = "bad-request"; }
            case FORBIDDEN -> { status = HttpStatus.FORBIDDEN_403; code = "forbidden"; }
            case NOT_FOUND -> { status = HttpStatus.NOT_FOUND_404; code = "not-found"; }
            case CONFLICT -> { status = HttpStatus.CONFLICT_409; code = "conflict"; }
            case TOO_LARGE -> { status = HttpStatus.PAYLOAD_TOO_LARGE_413; code = "too-large"; }
            case BUSY -> { status = HttpStatus.TOO_MANY_REQUESTS_429; code = "busy"; }
            case QUOTA_EXCEEDED -> { status = HttpStatus.INSUFFICIENT_STORAGE_507; code = "quota-exceeded"; }
            default -> { status = HttpStatus.INSUFFICIENT_STORAGE_507; code = "disk-full"; }
        }
        if (status == HttpStatus.INSUFFICIENT_STORAGE_507 || status == HttpStatus.TOO_MANY_REQUESTS_429) {
            // Passing conditions the uploader waits out; the archive logs them once as events, not per retry.
            response.getHeaders().put(HttpHeader.RETRY_AFTER, status == HttpStatus.TOO_MANY_REQUESTS_429 ? "1" : "60");
        } else {
            LOG.info("refused {} {}: {}", request.getMethod(), request.getHttpURI().getCanonicalPath(), e.getMessage());
        }
        HttpJson.error(response, callback, status, code, e.getMessage());
    }
}
