package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.sitewatch.cli.client.AdminClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Output for people (aligned tables) and for scripts (JSON). */
public final class Printer {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private Printer() {}

    static void json(PrintWriter out, Object value) {
        try {
            out.println(AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** One JSON object on one line, for streams scripts read line by line. */
    static void jsonLine(PrintWriter out, Object value) {
        try {
            out.println(AdminClient.JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    static void table(PrintWriter out, List<String> headers, List<List<String>> rows) {
        align(headers, rows).forEach(out::println);
        if (rows.isEmpty()) {
            out.println("(none)");
        }
        out.flush();
    }

    /** The header and rows as lines with each column as wide as its widest cell. */
    public static List<String> align(List<String> headers, List<List<String>> rows) {
        List<Integer> widths = new ArrayList<>();
        for (int c = 0; c < headers.size(); c++) {
            int w = headers.get(c).length();
            for (List<String> row : rows) {
                w = Math.max(w, String.valueOf(row.get(c)).length());
            }
            widths.add(w);
        }
        List<String> lines = new ArrayList<>();
        lines.add(line(headers, widths));
        for (List<String> row : rows) {
            lines.add(line(row, widths));
        }
        return lines;
    }

    private static String line(List<String> cells, List<Integer> widths) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = String.valueOf(cells.get(c));
            s.append(cell);
            if (c < cells.size() - 1) {
                s.append(" ".repeat(widths.get(c) - cell.length() + 2));
            }
        }
        return s.toString().stripTrailing();
    }

    public static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    public static String time(long epochMillis) {
        return time(Instant.ofEpochMilli(epochMillis));
    }

    public static String orDash(Object value) {
        return value == null || value.toString().isEmpty() ? "-" : value.toString();
    }

    /** 1536 -> "1.5 KB"; unknown (negative) -> "?". */
    public static String bytes(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** 93784 -> "1d 2h 3m"; under a minute -> "42s". */
    public static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        return (days > 0 ? days + "d " : "") + (days > 0 || hours > 0 ? hours + "h " : "") + minutes + "m";
    }
}
