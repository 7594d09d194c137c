package io.sitewatch.appliance.admin;

import io.sitewatch.appliance.admin.dto.RecordingDto.PruneRequest;
import io.sitewatch.appliance.admin.dto.RecordingDto.RecordingDetail;
import io.sitewatch.appliance.admin.dto.RecordingDto.VerifyLine;
import io.sitewatch.appliance.http.FileResponses;
import io.sitewatch.appliance.http.HttpJson;
import io.sitewatch.appliance.recording.ChunkView;
import io.sitewatch.appliance.recording.RecordingArchive;
import io.sitewatch.appliance.recording.RecordingView;
import io.sitewatch.appliance.store.Chunk;
import io.sitewatch.appliance.store.Recording;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/** The admin API's {@code /v1/recordings} endpoints, behind {@code sitewatch recordings ...}. */
final class RecordingsAdmin {

    private static final int MAX_LIST = 100_000;

    private final RecordingArchive archive;

    RecordingsAdmin(RecordingArchive archive) {
        this.archive = archive;
    }

    Routes addTo(Routes routes) {
        return routes
                .add("GET", "/v1/recordings", this::list)
                .add("GET", "/v1/recordings/verify", this::verify) // before {id}, which would match it too
                .add("GET", "/v1/recordings/{id}", call -> {
                    Recording recording = find(call.param("id"));
                    return new RecordingDetail(RecordingView.of(recording),
                            archive.chunks(recording.id()).stream().map(ChunkView::of).toList());
                })
                .add("GET", "/v1/recordings/{id}/stream", this::export)
                .add("POST", "/v1/recordings/prune", call -> archive.prune(
                        call.body().length > 0 && call.body(PruneRequest.class).dryRun()));
    }

    private List<RecordingView> list(Routes.Call call) {
        String site = call.query("site");
        int limit = call.query("limit") == null ? MAX_LIST : parseLimit(call.query("limit"));
        return archive.list(site == null ? null : java.util.Set.of(site), instant(call.query("since"), Instant.EPOCH),
                instant(call.query("until"), Instant.parse("9999-01-01T00:00:00Z")), limit).stream()
                .map(RecordingView::of).toList();
    }

    /** The whole recording, its chunks concatenated in sequence order (for {@code recordings export}). */
    private Object export(Routes.Call call) {
        Recording recording = find(call.param("id"));
        List<Chunk> chunks = archive.chunks(recording.id());
        FileResponses.send(call.request(), call.response(), call.callback(), recording.mimeType(),
                chunks.stream().map(archive::file).toList(), chunks.stream().mapToLong(Chunk::bytes).sum(),
                "no-store");
        return Routes.HANDLED;
    }

    /** JSON lines, so a long re-hash streams its findings instead of running into the client's timeout. */
    private Object verify(Routes.Call call) throws Exception {
        Response response = call.response();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-ndjson");
        try {
            line(response, new VerifyLine("start", null, null, null, null, null, null, null, null)); // headers now
            RecordingArchive.VerifyReport report = archive.verify(m -> line(response, new VerifyLine("mismatch",
                    m.recordingId(), m.seq(), m.path(), m.problem(), m.detail(), null, null, null)));
            line(response, new VerifyLine("summary", null, null, null, null, null, report.checked(), report.bytes(),
                    report.mismatches()));
        } catch (UncheckedIOException e) {
            call.callback().failed(e.getCause());
            return Routes.HANDLED;
        }
        call.callback().succeeded();
        return Routes.HANDLED;
    }

    private static void line(Response response, VerifyLine line) {
        try (Blocker.Callback written = Blocker.callback()) {
            byte[] bytes = (HttpJson.MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            response.write(false, ByteBuffer.wrap(bytes), written);
            written.block();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Recording find(String id) {
        return archive.recording(id).orElseThrow(() -> new Routes.ApiException(HttpStatus.NOT_FOUND_404, "not-found",
                "no recording '" + id + "'"));
    }

    private static int parseLimit(String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIST) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new Routes.ApiException(HttpStatus.BAD_REQUEST_400, "bad-request", "limit must be 1-" + MAX_LIST);
    }

    private static Instant instant(String value, Instant fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new Routes.ApiException(HttpStatus.BAD_REQUEST_400, "bad-request",
                    "since and until must be ISO-8601 instants, e.g. 2026-03-01T10:00:00Z");
        }
    }
}
