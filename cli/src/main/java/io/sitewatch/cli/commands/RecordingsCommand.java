package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sitewatch.appliance.admin.dto.RecordingDto.PruneRequest;
import io.sitewatch.appliance.admin.dto.RecordingDto.RecordingDetail;
import io.sitewatch.appliance.admin.dto.RecordingDto.VerifyLine;
import io.sitewatch.appliance.recording.ChunkView;
import io.sitewatch.appliance.recording.RecordingArchive.PruneReport;
import io.sitewatch.appliance.recording.RecordingView;
import io.sitewatch.cli.client.AdminClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "recordings", description = "Recordings uploaded by sites: list, show, export, prune, verify.",
        subcommands = {RecordingsCommand.ListRecordings.class, RecordingsCommand.Show.class,
                RecordingsCommand.Export.class, RecordingsCommand.Prune.class, RecordingsCommand.Verify.class})
public final class RecordingsCommand {

    private static final Pattern AGO = Pattern.compile("(\\d+)([mhd])");

    private RecordingsCommand() {}

    static String path(String id) {
        return "/v1/recordings/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    /** An ISO instant ({@code 2026-03-01T10:00:00Z}), a local date ({@code 2026-03-01}) or a time ago ({@code 90m}, {@code 24h}, {@code 7d}). */
    static Instant when(String text) {
        Matcher ago = AGO.matcher(text);
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration d = switch (ago.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return Instant.now().minus(d);
        }
        try {
            return text.contains("T") ? Instant.parse(text)
                    : LocalDate.parse(text).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time: use 2026-03-01T10:00:00Z, 2026-03-01,"
                    + " or a time ago such as 90m, 24h, 7d");
        }
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }

    static String duration(long millis) {
        long s = millis / 1000;
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    @Command(name = "list", description = "List recordings, oldest first.")
    static final class ListRecordings extends AdminCommand {
        @Option(names = "--site", paramLabel = "ID", description = "Only this site's recordings.")
        String site;
        @Option(names = "--since", paramLabel = "WHEN", description = "Recordings still running after this time"
                + " (ISO instant, date, or a time ago: 90m, 24h, 7d).")
        String since;
        @Option(names = "--until", paramLabel = "WHEN", description = "Recordings started before this time.")
        String until;

        @Override
        void run(AdminClient client) throws Exception {
            Map<String, String> query = new LinkedHashMap<>();
            if (site != null) {
                query.put("site", site);
            }
            if (since != null) {
                query.put("since", when(since).toString());
            }
            if (until != null) {
                query.put("until", when(until).toString());
            }
            StringBuilder path = new StringBuilder("/v1/recordings");
            query.forEach((k, v) -> path.append(path.indexOf("?") < 0 ? '?' : '&').append(k).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            List<RecordingView> recordings = client.get(path.toString(), new TypeReference<List<RecordingView>>() {});
            if (json) {
                Printer.json(out(), recordings);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (RecordingView r : recordings) {
                rows.add(List.of(r.id(), r.site(), Printer.time(r.startedAt()), duration(r.durationMs()),
                        Integer.toString(r.chunks()), megabytes(r.bytes()), missing(r) == 0 ? "-" : missing(r) + " missing"));
            }
            Printer.table(out(), List.of("RECORDING", "SITE", "STARTED", "LENGTH", "CHUNKS", "SIZE", "GAPS"), rows);
        }
    }

    static int missing(RecordingView r) {
        return r.lastSeq() - r.firstSeq() + 1 - r.chunks();
    }

    @Command(name = "show", description = "Show a recording and its chunks.")
    static final class Show extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        void run(AdminClient client) throws Exception {
            RecordingDetail detail = client.get(path(id), RecordingDetail.class);
            if (json) {
                Printer.json(out(), detail);
                return;
            }
            RecordingView r = detail.recording();
            PrintWriter out = out();
            out.printf("recording: %s%nsite:      %s%nstarted:   %s%nended:     %s%nlength:    %s%ntype:      %s%n"
                            + "chunks:    %d (seq %d-%d, %d missing)%nsize:      %s%n%n", r.id(), r.site(),
                    Printer.time(r.startedAt()), Printer.time(r.endedAt()), duration(r.durationMs()), r.mimeType(),
                    r.chunks(), r.firstSeq(), r.lastSeq(), missing(r), megabytes(r.bytes()));
            List<List<String>> rows = new ArrayList<>();
            for (ChunkView c : detail.chunks()) {
                rows.add(List.of(Integer.toString(c.seq()), Printer.time(c.startedAt()),
                        String.format(Locale.ROOT, "%.1f s", c.durationMs() / 1000.0), Long.toString(c.bytes()),
                        c.sha256()));
            }
            Printer.table(out, List.of("SEQ", "STARTED", "LENGTH", "BYTES", "SHA-256"), rows);
        }
    }

    @Command(name = "export", description = "Write a whole recording to a file: its chunks concatenated in order"
            + " (each chunk is a complete WebM or MP4 file).")
    static final class Export extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--to", paramLabel = "FILE", required = true, description = "Where to write it.")
        Path to;

        @Override
        void run(AdminClient client) throws Exception {
            Path partial = to.resolveSibling(to.getFileName() + ".partial");
            long written;
            AdminClient.Download download = client.open(path(id) + "/stream");
            try (InputStream in = download.body(); OutputStream out = Files.newOutputStream(partial)) {
                written = in.transferTo(out);
            } catch (IOException e) {
                Files.deleteIfExists(partial);
                throw new IOException("the export broke off: " + e.getMessage(), e);
            }
            if (download.length() >= 0 && written != download.length()) {
                Files.deleteIfExists(partial);
                throw new IOException("the export broke off after " + written + " of " + download.length() + " bytes");
            }
            Files.move(partial, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (json) {
                Printer.json(out(), Map.of("recording", id, "file", to.toAbsolutePath().toString(), "bytes", written));
            } else {
                out().printf("recording %s exported to %s (%s)%n", id, to, megabytes(written));
                out().flush();
            }
        }
    }

    @Command(name = "prune", description = "Apply retention now: chunks past recordings.max-age-days, then the"
            + " oldest while all recordings pass recordings.max-total-mb.")
    static final class Prune extends AdminCommand {
        @Option(names = "--dry-run", description = "Only say what would be removed.")
        boolean dryRun;

        @Override
        void run(AdminClient client) throws Exception {
            PruneReport report = client.post("/v1/recordings/prune", new PruneRequest(dryRun), PruneReport.class);
            if (json) {
                Printer.json(out(), report);
                return;
            }
            out().printf("%s %d chunks (%s; %d whole recordings): %d by age, %d by total size%n",
                    dryRun ? "would remove" : "removed", report.chunks(), megabytes(report.bytes()),
                    report.recordings(), report.byAge(), report.bySize());
            out().flush();
        }
    }

    @Command(name = "verify", description = {"Re-hash every chunk file and compare it with the index; report"
            + " missing, changed and unindexed files.", "Exits 1 when anything does not match."})
    static final class Verify extends AdminCommand {
        @Override
        void run(AdminClient client) throws Exception {
            List<VerifyLine> mismatches = new ArrayList<>();
            VerifyLine summary = null;
            AdminClient.Download download = client.open("/v1/recordings/verify");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(download.body(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    VerifyLine parsed = AdminClient.JSON.readValue(line, VerifyLine.class);
                    if (parsed.type().equals("mismatch")) {
                        mismatches.add(parsed);
                        if (!json) {
                            out().printf("%s  %s: %s%n", parsed.problem().toUpperCase(Locale.ROOT), parsed.path(),
                                    parsed.detail());
                            out().flush();
                        }
                    } else if (parsed.type().equals("summary")) {
                        summary = parsed;
                    }
                }
            }
            if (summary == null) {
                throw new IOException("the appliance stopped answering before the end of the check");
            }
            if (json) {
                Printer.json(out(), Map.of("checked", summary.checked(), "bytes", summary.bytes(),
                        "mismatches", mismatches));
            } else {
                out().printf("checked %d chunks (%s): %d mismatches%n", summary.checked(),
                        megabytes(summary.bytes()), summary.mismatches());
                out().flush();
            }
            if (summary.mismatches() > 0) {
                throw new IllegalStateException(summary.mismatches() + " chunk files do not match the index");
            }
        }
    }
}
