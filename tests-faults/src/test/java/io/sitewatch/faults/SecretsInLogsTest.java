package io.sitewatch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secrets check itself: what it looks for and how it reports, without ever printing a secret. */
class SecretsInLogsTest {

    @TempDir
    Path dir;

    @Test
    void aTokenIsSoughtWholeAndByItsSecretPartShortValuesAreNot() {
        Set<String> needles = SecretsInLogs.needles(List.of("s1a2b3c4.Zm9vYmFyYmF6cXV4cXV1eA", "password-ann", "abc",
                "  o9x8.short  "));
        assertThat(needles).containsExactly("s1a2b3c4.Zm9vYmFyYmF6cXV4cXV1eA", "Zm9vYmFyYmF6cXV4cXV1eA",
                "password-ann", "o9x8.short");
    }

    @Test
    void everyOccurrenceIsReportedByFileAndLineWithoutTheSecret() throws Exception {
        Path log = dir.resolve("child.log");
        Files.writeString(log, "INFO ready\nWARN hello with Zm9vYmFyYmF6cXV4cXV1eA refused\nINFO fine\n"
                + "DEBUG token=s1a2b3c4.Zm9vYmFyYmF6cXV4cXV1eA\n\u00ff\u00fe broken bytes are read too password-ann\n");
        List<String> found = SecretsInLogs.scan(log, SecretsInLogs.needles(List.of("s1a2b3c4.Zm9vYmFyYmF6cXV4cXV1eA",
                "password-ann")));
        assertThat(found).containsExactly(
                "child.log:2 holds a secret issued as Zm9v...",
                "child.log:4 holds a secret issued as s1a2...",
                "child.log:4 holds a secret issued as Zm9v...",
                "child.log:5 holds a secret issued as pass...");
        assertThat(String.join("\n", found)).doesNotContain("Zm9vYmFyYmF6");
    }
}
