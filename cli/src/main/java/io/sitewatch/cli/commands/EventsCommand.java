package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import io.sitewatch.cli.client.AdminClient;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "events", description = {"Connection events from the event log: sessions opening and ending, "
        + "watch and control changes, link states, rooms, refused credentials.",
        "With --follow, then new events as they happen until Ctrl-C."})
public final class EventsCommand extends AdminCommand {

    private static final Pattern AGO = Pattern.compile("(\\d+)([smhd])");

    @Option(names = "--since", paramLabel = "WHEN", defaultValue = "1h", description = {"From when: a time ago "
            + "(30m, 2h, 7d), a date (2026-11-23) or a local time (2026-11-23T10:00); default: ${DEFAULT-VALUE}."})
    String since;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "At most this many stored events, oldest first (default: ${DEFAULT-VALUE}; max 10000).")
    int limit;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until Ctrl-C.")
    boolean follow;

    @Override
    void run(AdminClient client) throws Exception {
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be 0 or more");
        }
        String query = "/v1/events?since=" + URLEncoder.encode(since(since, Clock.systemDefaultZone()).toString(),
                StandardCharsets.UTF_8) + "&limit=" + limit;
        PrintWriter out = out();
        if (follow) {
            client.stream(query + "&follow=true", line -> print(out, AdminClient.JSON.convertValue(line,
                    EventView.class)));
            return;
        }
        List<EventView> events = client.get(query, new TypeReference<List<EventView>>() {});
        if (json) {
            Printer.json(out, events);
            return;
        }
        events.forEach(e -> out.println(EventLines.withDate(e)));
        if (events.isEmpty()) {
            out.println("(no events since " + Printer.time(since(since, Clock.systemDefaultZone())) + ")");
        }
        out.flush();
    }

    private void print(PrintWriter out, EventView event) {
        if (json) {
            Printer.jsonLine(out, event);
        } else {
            out.println(EventLines.withDate(event));
            out.flush();
        }
    }

    /** {@code --since} as an instant: a time ago, a local date or date-time, or an ISO instant. */
    static Instant since(String text, Clock clock) {
        Matcher ago = AGO.matcher(text);
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration unit = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return clock.instant().minus(unit.multipliedBy(n));
        }
        ZoneId zone = clock.getZone();
        try {
            if (text.endsWith("Z")) {
                return Instant.parse(text);
            }
            if (text.contains("T")) {
                return LocalDateTime.parse(text).atZone(zone).toInstant();
            }
            return LocalDate.parse(text).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since takes a time ago (30m, 2h, 7d), a date (2026-11-23) or a "
                    + "local time (2026-11-23T10:00), not '" + text + "'");
        }
    }
}
