package io.sitewatch.cli.commands;

import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Events as one line each, the same in {@code events} and {@code watch}. */
public final class EventLines {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private EventLines() {}

    /** {@code 2026-11-23 10:00:01  session-open      site yard-1 (ab12) from 10.0.0.5}. */
    public static String withDate(EventView e) {
        return Printer.time(e.at()) + "  " + body(e);
    }

    /** The same with the time of day only, for live views. */
    public static String withTime(EventView e) {
        return (e.at() == null ? "--:--:--" : CLOCK.format(e.at())) + "  " + body(e);
    }

    private static String body(EventView e) {
        return String.format("%-16s  %s", e.kind(), Printer.orDash(e.detail()));
    }
}
