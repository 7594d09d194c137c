package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.sitewatch.cli.client.AdminClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Output for people (aligned tables) and for scripts (JSON). */
final class Printer {

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

    static void table(PrintWriter out, List<String> headers, List<List<String>> rows) {
        List<Integer> widths = new ArrayList<>();
        for (int c = 0; c < headers.size(); c++) {
            int w = headers.get(c).length();
            for (List<String> row : rows) {
                w = Math.max(w, String.valueOf(row.get(c)).length());
            }
            widths.add(w);
        }
        line(out, headers, widths);
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        if (rows.isEmpty()) {
            out.println("(none)");
        }
        out.flush();
    }

    private static void line(PrintWriter out, List<String> cells, List<Integer> widths) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = String.valueOf(cells.get(c));
            s.append(cell);
            if (c < cells.size() - 1) {
                s.append(" ".repeat(widths.get(c) - cell.length() + 2));
            }
        }
        out.println(s.toString().stripTrailing());
    }

    static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    static String time(long epochMillis) {
        return time(Instant.ofEpochMilli(epochMillis));
    }

    static String orDash(Object value) {
        return value == null || value.toString().isEmpty() ? "-" : value.toString();
    }
}
