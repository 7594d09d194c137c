package io.sitewatch.cli.watch;

import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import io.sitewatch.cli.commands.EventLines;
import io.sitewatch.cli.commands.LinkStats;
import io.sitewatch.cli.commands.Printer;
import io.sitewatch.cli.watch.WatchModel.LinkRow;
import io.sitewatch.cli.watch.WatchModel.SiteRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** Draws the watch view for a terminal of a given size: a title, sites, links and the latest events. */
final class WatchScreen {

    /** How sites are ordered; {@code s} cycles through them. */
    enum Sort {
        ID(Comparator.comparing(SiteRow::id)),
        STATE(Comparator.comparing((SiteRow r) -> STATE_ORDER.get(r.state())).thenComparing(SiteRow::id)),
        WATCHERS(Comparator.comparing((SiteRow r) -> -r.watchers().size()).thenComparing(SiteRow::id));

        final Comparator<SiteRow> order;

        Sort(Comparator<SiteRow> order) {
            this.order = order;
        }

        Sort next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    private static final Map<String, Integer> STATE_ORDER = Map.of("online", 0, "resuming", 1, "offline", 2,
            "disabled", 3);
    private static final AttributedStyle TITLE = AttributedStyle.INVERSE;
    private static final AttributedStyle HEADING = AttributedStyle.BOLD;
    private static final AttributedStyle FAINT = AttributedStyle.DEFAULT.faint();
    private static final AttributedStyle GOOD = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
    private static final AttributedStyle WARN = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
    private static final AttributedStyle BAD = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);

    /** What the person chose to see, and a line for the state of the connection. */
    record View(String appliance, String filter, Sort sort, String editing, String notice) {}

    private WatchScreen() {}

    static List<AttributedString> draw(WatchModel model, View view, String clock, int width, int height) {
        List<SiteRow> sites = model.sites().stream().filter(r -> matches(view.filter(), r.id(), r.name()))
                .sorted(view.sort().order).toList();
        List<LinkRow> links = model.links().stream().filter(l -> matches(view.filter(), l.from(), l.to())).toList();
        List<EventView> events = model.tail().stream()
                .filter(e -> matches(view.filter(), e.detail(), e.kind())).toList();
        String bottom = view.editing() != null ? "filter: " + view.editing() + "_  (Enter applies, Esc cancels)"
                : view.notice();
        int room = Math.max(0, height - 6 - (bottom == null ? 0 : 1));
        int siteRows = Math.min(Math.max(1, sites.size()), Math.max(1, room / 2));
        int linkRows = Math.min(Math.max(1, links.size()), Math.max(1, (room - siteRows) / 2));
        int eventRows = Math.max(0, room - siteRows - linkRows);

        List<AttributedString> lines = new ArrayList<>();
        lines.add(title(model, view, clock, width));
        lines.add(new AttributedString(heading("SITES", sites.size(), view), HEADING));
        lines.addAll(siteTable(sites, siteRows));
        lines.add(new AttributedString(heading("LINKS", links.size(), view), HEADING));
        lines.addAll(linkTable(links, linkRows));
        lines.add(new AttributedString("EVENTS", HEADING));
        events.subList(Math.max(0, events.size() - eventRows), events.size())
                .forEach(e -> lines.add(new AttributedString(EventLines.withTime(e))));
        while (lines.size() < height - (bottom == null ? 0 : 1)) {
            lines.add(AttributedString.EMPTY);
        }
        if (bottom != null) {
            lines.add(new AttributedString(bottom, view.editing() != null ? AttributedStyle.BOLD : WARN));
        }
        return lines.stream().limit(height).map(l -> l.columnSubSequence(0, width)).toList();
    }

    /** The state in one line; shorter on narrow terminals, with the keys when there is room. */
    private static AttributedString title(WatchModel model, View view, String clock, int width) {
        List<SiteRow> all = model.sites();
        long online = all.stream().filter(r -> r.state().equals("online")).count();
        String left = String.format(" sitewatch watch · %s · %d/%d sites online · %d operators · %s", view.appliance(),
                online, all.size(), model.operatorsOnline(), clock);
        if (left.length() > width) {
            left = String.format(" %d/%d online · %d ops · %s", online, all.size(), model.operatorsOnline(), clock);
        }
        String right = "q quit  / filter  s sort  r reload ";
        if (left.length() + 1 + right.length() > width) {
            return new AttributedString(left + " ".repeat(Math.max(0, width - left.length())), TITLE);
        }
        return new AttributedString(left + " ".repeat(width - left.length() - right.length()) + right, TITLE);
    }

    private static String heading(String name, int count, View view) {
        return name + " (" + count + (view.filter().isEmpty() ? "" : ", matching '" + view.filter() + "'")
                + (name.equals("SITES") ? ", by " + view.sort().name().toLowerCase(Locale.ROOT) : "") + ")";
    }

    private static List<AttributedString> siteTable(List<SiteRow> sites, int rows) {
        List<List<String>> cells = new ArrayList<>();
        List<AttributedStyle> styles = new ArrayList<>();
        for (SiteRow r : fit(sites, rows)) {
            cells.add(List.of(r.id(), r.name(), r.state(), watchers(r.watchers()), Printer.orDash(r.primary())));
            styles.add(switch (r.state()) {
                case "online" -> GOOD;
                case "resuming" -> WARN;
                default -> FAINT;
            });
        }
        return styled(Printer.align(List.of("SITE", "NAME", "STATE", "WATCHERS", "PRIMARY"), cells), styles,
                sites.size() - cells.size());
    }

    private static List<AttributedString> linkTable(List<LinkRow> links, int rows) {
        List<List<String>> cells = new ArrayList<>();
        List<AttributedStyle> styles = new ArrayList<>();
        for (LinkRow l : fit(links, rows)) {
            cells.add(List.of(Printer.orDash(l.from()), Printer.orDash(l.to()), l.state(),
                    LinkStats.text(l.stats(), "route"), kbps(l), LinkStats.text(l.stats(), "fps"),
                    LinkStats.text(l.stats(), "rttMs")));
            styles.add(switch (l.state()) {
                case "connected" -> GOOD;
                case "failed", "disconnected" -> BAD;
                default -> WARN;
            });
        }
        return styled(Printer.align(List.of("FROM", "TO", "STATE", "ROUTE", "KBPS", "FPS", "RTT MS"), cells),
                styles, links.size() - cells.size());
    }

    /** At most {@code rows} lines of table body, the last one saying how many did not fit. */
    private static <T> List<T> fit(List<T> items, int rows) {
        return items.size() <= rows ? items : items.subList(0, Math.max(0, rows - 1));
    }

    private static List<AttributedString> styled(List<String> lines, List<AttributedStyle> styles, int hidden) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedString(lines.get(0), FAINT));
        for (int i = 1; i < lines.size(); i++) {
            out.add(new AttributedString(lines.get(i), styles.get(i - 1)));
        }
        if (styles.isEmpty() && hidden == 0) {
            out.add(new AttributedString("(none)", FAINT));
        } else if (hidden > 0) {
            out.add(new AttributedStringBuilder().append("… " + hidden + " more (narrow with /)", FAINT).toAttributedString());
        }
        return out;
    }

    private static String watchers(List<String> names) {
        return names.isEmpty() ? "-" : names.size() + " " + String.join(",", names);
    }

    /** What the reporter receives and sends, e.g. "1200/80". */
    private static String kbps(LinkRow l) {
        return LinkStats.text(l.stats(), "kbpsIn") + "/" + LinkStats.text(l.stats(), "kbpsOut");
    }

    private static boolean matches(String filter, String... fields) {
        if (filter.isEmpty()) {
            return true;
        }
        String wanted = filter.toLowerCase(Locale.ROOT);
        for (String field : fields) {
            if (field != null && field.toLowerCase(Locale.ROOT).contains(wanted)) {
                return true;
            }
        }
        return false;
    }
}
