package io.sitewatch.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Watches the in-process appliance log (see the pom) over one phase: {@link #problems()} lists every line written
 * since {@link #start()} that shows an unhandled exception: a WARN or ERROR line, or a stack trace line. Expected
 * client errors log one INFO line and no stack trace, so a clean phase has none.
 */
public final class LogWatch {

    private static final Pattern PROBLEM = Pattern.compile(
            "^[^\\[]*\\[[^]]*] (WARN|ERROR) .*|^\\s+at \\S+\\(.*\\)$|^Caused by: .*"
                    + "|^(\\w+\\.)+\\w*(Exception|Error)(: .*)?$|^\\s*\\.\\.\\. \\d+ more$");

    private final Path file;
    private final long start;

    private LogWatch(Path file, long start) {
        this.file = file;
        this.start = start;
    }

    /** The in-process log, from its current end. */
    public static LogWatch start() {
        return start(Secrets.logs().resolve("in-process.log"));
    }

    public static LogWatch start(Path file) {
        try {
            return new LogWatch(file, Files.exists(file) ? Files.size(file) : 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines logged since the start. */
    public List<String> lines() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length() - start;
            if (length <= 0) {
                return List.of();
            }
            byte[] bytes = new byte[(int) length];
            in.seek(start);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines since the start that show an unhandled exception: WARN/ERROR lines and stack traces. */
    public List<String> problems() {
        return lines().stream().filter(line -> PROBLEM.matcher(line).matches()).toList();
    }

    /** Puts {@code logLines} and {@code unhandled} into the figures and returns the offending lines. */
    public List<String> report(Figures figures) {
        List<String> problems = problems();
        figures.put("logLines", lines().size()).put("unhandled", problems.size());
        return problems;
    }
}
