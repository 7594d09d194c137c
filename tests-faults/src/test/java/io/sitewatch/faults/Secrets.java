package io.sitewatch.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every token and password the campaign issues is written down here, so the last phase can prove that none of
 * them ever reached a log: in-process appliances log to {@code faults-reports/logs/in-process.log} (see the pom),
 * child processes to files beside it.
 */
public final class Secrets {

    private Secrets() {}

    public static Path reports() {
        return Path.of(System.getProperty("faults.reports", "target/faults-reports"));
    }

    public static Path logs() {
        return reports().resolve("logs");
    }

    /** Records a secret the suite issued and returns it, for use inline. */
    public static synchronized String issued(String secret) {
        try {
            Files.createDirectories(reports());
            Files.writeString(reports().resolve("secrets.txt"), secret + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return secret;
    }
}
