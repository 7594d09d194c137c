package io.sitewatch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** The statistics clients report about a peer connection (protocol.md, Status reports), as table cells. */
public final class LinkStats {

    private LinkStats() {}

    /** The field as text: whole numbers without decimals, "-" when not reported. */
    public static String text(JsonNode stats, String field) {
        JsonNode value = stats == null ? null : stats.get(field);
        if (value == null || value.isNull()) {
            return "-";
        }
        if (value.isNumber()) {
            double number = value.asDouble();
            return number == Math.rint(number) ? Long.toString((long) number)
                    : String.format(Locale.ROOT, "%.1f", number);
        }
        return value.asText();
    }
}
