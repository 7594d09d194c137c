package io.sitewatch.appliance.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UpgradeKeyTest {

    @Test
    void onlySixteenBytesInBase64AreAKey() {
        assertThat(UpgradeKey.wellFormed("dGhlIHNhbXBsZSBub25jZQ==")).isTrue(); // RFC 6455's example
        for (String bad : List.of("short", "", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=!",
                "dGhlIHNhbXBsZSBub25jZXg=", "AAAAAAAAAAAAAAAAAAAAAAAA")) {
            assertThat(UpgradeKey.wellFormed(bad)).as(bad).isFalse();
        }
        assertThat(UpgradeKey.wellFormed(null)).isFalse();
    }
}
