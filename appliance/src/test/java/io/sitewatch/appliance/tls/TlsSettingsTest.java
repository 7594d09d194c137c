package io.sitewatch.appliance.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TlsSettingsTest {

    @Test
    void blankSettingsMeanGenerated() {
        assertThat(new TlsSettings(" ", null, "", null).isGenerated()).isTrue();
        assertThat(TlsSettings.generated().isGenerated()).isTrue();
        assertThat(new TlsSettings("a.p12", "pw", null, null).isGenerated()).isFalse();
        assertThat(new TlsSettings(null, null, "c.pem", "k.pem").isGenerated()).isFalse();
    }

    @Test
    void certificateAndKeyComeTogether() {
        assertThatThrownBy(() -> new TlsSettings(null, null, "c.pem", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set together");
        assertThatThrownBy(() -> new TlsSettings(null, null, null, "k.pem"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set together");
    }

    @Test
    void keystoreExcludesPemFilesAndPasswordNeedsKeystore() {
        assertThatThrownBy(() -> new TlsSettings("a.p12", "pw", "c.pem", "k.pem"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> new TlsSettings(null, "pw", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keystorePassword");
    }
}
