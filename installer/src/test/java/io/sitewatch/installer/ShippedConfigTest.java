package io.sitewatch.installer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /etc/sitewatch/sitewatch.conf parses, and differs from the built-in defaults only where a box must. */
class ShippedConfigTest {

    @Test
    void differsFromTheDefaultsOnlyInPortsAndTheSocketGroup() throws Exception {
        Config shipped = ConfigLoader.load(Shell.SOURCES.resolve("sitewatch.conf"), Map.of(), Map.of());

        Config expected = ConfigLoader.load(null, Map.of(), Map.of("http.https-port", "443", "http.http-port", "80",
                "admin.socket-group", "sitewatch"));
        assertThat(shipped).isEqualTo(expected);
        assertThat(shipped).isNotEqualTo(Config.defaults());
    }

    @Test
    void itsCommentedKeysAreRealOnes() throws Exception {
        String text = java.nio.file.Files.readString(Shell.SOURCES.resolve("sitewatch.conf"));
        java.util.Collection<String> keys = ConfigLoader.keys();
        String section = "";
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.startsWith("[")) {
                section = l.substring(1, l.indexOf(']'));
            } else if (l.matches("#?\\s*[a-z-]+\\s*=.*")) {
                String key = section + "." + l.replaceFirst("^#\\s*", "").split("\\s*=")[0].strip();
                assertThat(keys).as(line).contains(key);
            }
        }
    }
}
