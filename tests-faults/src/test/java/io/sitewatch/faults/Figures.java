package io.sitewatch.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one phase of the campaign measured. {@link #report()} prints one line and appends it to
 * {@code target/faults-reports/figures.tsv}, so a run's headline can be read off one file.
 */
public final class Figures {

    private final String phase;
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Figures(String phase) {
        this.phase = phase;
    }

    public static Figures of(String phase) {
        return new Figures(phase);
    }

    /** True under {@code -Pfaults-long}: phases then run their long versions. */
    public static boolean longRun() {
        return Boolean.getBoolean("faults.long");
    }

    /** {@code shortValue} in CI, {@code longValue} under {@code -Pfaults-long}. */
    public static int scale(int shortValue, int longValue) {
        return longRun() ? longValue : shortValue;
    }

    public Figures put(String name, Object value) {
        values.put(name, value);
        return this;
    }

    public Figures add(String name, long delta) {
        values.merge(name, delta, (a, b) -> ((Number) a).longValue() + ((Number) b).longValue());
        return this;
    }

    public long get(String name) {
        Object v = values.get(name);
        return v == null ? 0 : ((Number) v).longValue();
    }

    public String line() {
        return phase + "\t" + values.entrySet().stream().map(e -> e.getKey() + "=" + format(e.getValue()))
                .collect(Collectors.joining(" "));
    }

    public void report() {
        String line = line();
        System.out.println("[faults] " + line);
        Path dir = Path.of(System.getProperty("faults.reports", "target/faults-reports"));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("figures.tsv"), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String format(Object value) {
        return value instanceof Double d ? String.format("%.3f", d) : String.valueOf(value);
    }
}
