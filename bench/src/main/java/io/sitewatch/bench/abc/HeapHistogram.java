package io.sitewatch.bench.abc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's live-object histogram ({@code jcmd PID GC.class_histogram}): instances and bytes by class. Two of
 * them, before and after opening idle sessions, say what each session costs, class by class.
 */
record HeapHistogram(Map<String, long[]> byClass) {

    /** {@code   12:     3000     96000  java.lang.String (java.base@17)}: rank, instances, bytes, class. */
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /** One class's growth per session. */
    record Growth(String className, double bytesPerSession, double instancesPerSession) {}

    static HeapHistogram parse(String text) {
        Map<String, long[]> byClass = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                byClass.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        if (byClass.isEmpty()) {
            throw new IllegalArgumentException("not a class histogram: " + text.lines().findFirst().orElse(""));
        }
        return new HeapHistogram(byClass);
    }

    static HeapHistogram read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    long totalBytes() {
        return byClass.values().stream().mapToLong(v -> v[1]).sum();
    }

    /** The classes that grew most from {@code before} to this, per session, largest first. */
    List<Growth> growthSince(HeapHistogram before, int sessions, int top) {
        Set<String> classes = new HashSet<>(byClass.keySet());
        classes.addAll(before.byClass.keySet());
        List<Growth> growth = new ArrayList<>();
        for (String c : classes) {
            long[] now = byClass.getOrDefault(c, new long[2]);
            long[] then = before.byClass.getOrDefault(c, new long[2]);
            growth.add(new Growth(c, (now[1] - then[1]) / (double) sessions, (now[0] - then[0]) / (double) sessions));
        }
        growth.sort((a, b) -> Double.compare(b.bytesPerSession(), a.bytesPerSession()));
        return growth.subList(0, Math.min(top, growth.size()));
    }
}
