package io.sitewatch.appliance;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, from a resource Maven fills in. */
public final class Version {

    private static final Properties PROPERTIES = load();
    private static final String VALUE = PROPERTIES.getProperty("version", "dev");

    private Version() {}

    public static String get() {
        return VALUE;
    }

    /** When this build was made: no correct clock reads earlier. Empty when unknown (a run from the IDE). */
    public static java.util.Optional<java.time.Instant> built() {
        try {
            return java.util.Optional.of(java.time.Instant.parse(PROPERTIES.getProperty("built", "")));
        } catch (java.time.format.DateTimeParseException e) {
            return java.util.Optional.empty();
        }
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/sitewatch/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // "dev" then
        }
        return p;
    }
}
