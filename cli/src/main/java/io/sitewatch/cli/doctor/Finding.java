package io.sitewatch.cli.doctor;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * One line of {@code sitewatch doctor}: what was checked, how it stands, and the one-line fix when it is not ok.
 *
 * @param fix null when there is nothing to do
 */
public record Finding(String check, Level level, String detail, String fix) {

    public enum Level {
        OK, INFO, SKIP, WARN, FAIL;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static Finding ok(String check, String detail) {
        return new Finding(check, Level.OK, detail, null);
    }

    static Finding info(String check, String detail, String fix) {
        return new Finding(check, Level.INFO, detail, fix);
    }

    static Finding skip(String check, String detail) {
        return new Finding(check, Level.SKIP, detail, null);
    }

    static Finding warn(String check, String detail, String fix) {
        return new Finding(check, Level.WARN, detail, fix);
    }

    static Finding fail(String check, String detail, String fix) {
        return new Finding(check, Level.FAIL, detail, fix);
    }
}
