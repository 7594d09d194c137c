package io.sitewatch.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Phase 9, the last word: after every test of the run, no secret in {@code secrets.txt} appears in any log under
 * {@code faults-reports/logs} (the in-process appliances' log and every child appliance's output). Registered in
 * {@code META-INF/services}, so it runs once the launcher session ends, whatever classes ran and in whatever order;
 * a leak throws, which fails the forked test run and so the build. When the session opens it starts the run's
 * ledger and logs afresh and creates the log directory before any appliance logs into it.
 */
public final class SecretsInLogs implements LauncherSessionListener {

    private static final AtomicBoolean PREPARED = new AtomicBoolean();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!PREPARED.compareAndSet(false, true)) {
            return; // once per JVM: a later session must not wipe what earlier tests logged
        }
        try {
            Files.createDirectories(Secrets.logs());
            Files.deleteIfExists(Secrets.reports().resolve("secrets.txt"));
            Files.deleteIfExists(Secrets.reports().resolve("figures.tsv")); // one run's figures, not every run's
            try (Stream<Path> logs = Files.list(Secrets.logs())) {
                for (Path log : (Iterable<Path>) logs::iterator) {
                    Files.delete(log);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + Secrets.reports(), e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        Path ledger = Secrets.reports().resolve("secrets.txt");
        if (!Files.exists(ledger)) {
            return; // nothing issued: no faults IT ran in this session
        }
        try {
            Set<String> secrets = needles(Files.readAllLines(ledger, StandardCharsets.UTF_8));
            List<String> leaks = new ArrayList<>();
            long bytes = 0;
            int files = 0;
            try (Stream<Path> logs = Files.list(Secrets.logs())) {
                for (Path log : (Iterable<Path>) logs.sorted()::iterator) {
                    files++;
                    bytes += Files.size(log);
                    leaks.addAll(scan(log, secrets));
                }
            }
            Figures.of("phase9-secrets").put("secretsIssued", secrets.size()).put("logFiles", files)
                    .put("logBytes", bytes).put("leaks", leaks.size()).report();
            if (!leaks.isEmpty()) {
                throw new AssertionError("secrets found in the logs (see " + ledger + "):\n" + String.join("\n", leaks));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the logs for secrets", e);
        }
    }

    /** Each secret, and for a token {@code <id>.<secret>} its secret part alone: half a token is still a leak. */
    static Set<String> needles(List<String> issued) {
        Set<String> needles = new LinkedHashSet<>();
        for (String secret : issued) {
            String s = secret.strip();
            if (s.length() < 8) {
                continue; // too short to be a credential, and would match by chance
            }
            needles.add(s);
            int dot = s.indexOf('.');
            if (dot > 0 && s.length() - dot - 1 >= 16) {
                needles.add(s.substring(dot + 1));
            }
        }
        return needles;
    }

    /** Where each secret occurs: the file and line number, never the secret itself. */
    static List<String> scan(Path log, Set<String> secrets) throws IOException {
        List<String> found = new ArrayList<>();
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader lines = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(log),
                decoder))) {
            int number = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                for (String secret : secrets) {
                    if (line.contains(secret)) {
                        found.add(log.getFileName() + ":" + number + " holds a secret issued as "
                                + secret.substring(0, 4) + "...");
                    }
                }
            }
        }
        return found;
    }
}
