package io.sitewatch.appliance.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.signal.Identity;
import io.sitewatch.appliance.signal.ManualClock;
import java.util.List;
import org.junit.jupiter.api.Test;

class MediaSettingsTest {

    final ManualClock clock = new ManualClock(1_700_000_000_000L);
    static final Config.Tiers TIERS = new Config.Tiers(new Config.Tier(180, 150, 10), new Config.Tier(0, 2500, 30));
    final Identity ann = Identity.operator("ann", "o1", null);

    @Test
    void stunOnlyByDefault() {
        List<JsonNode> servers = new MediaSettings(new Config.Ice(List.of("stun:s:3478"), List.of(), "", "", "", 3600), TIERS, "", clock).iceServers(ann);
        assertThat(servers).singleElement().satisfies(s -> {
            assertThat(s.get("urls").get(0).asText()).isEqualTo("stun:s:3478");
            assertThat(s.has("username")).isFalse();
        });
    }

    @Test
    void turnWithStaticCredentials() {
        List<JsonNode> servers = new MediaSettings(new Config.Ice(List.of(), List.of("turn:t:3478"), "u", "p", "", 3600), TIERS, "", clock).iceServers(ann);
        assertThat(servers.get(0).get("username").asText()).isEqualTo("u");
        assertThat(servers.get(0).get("credential").asText()).isEqualTo("p");
    }

    @Test
    void turnWithTimeLimitedRestCredentials() {
        List<JsonNode> servers = new MediaSettings(new Config.Ice(List.of(), List.of("turn:t:3478?transport=udp"),
                "", "", "secret", 3600), TIERS, "", clock).iceServers(ann);
        String username = servers.get(0).get("username").asText();
        assertThat(username).isEqualTo((1_700_000_000L + 3600) + ":ann");
        // base64(HMAC-SHA1("secret", "1700003600:ann")), computed independently (Python hmac).
        assertThat(servers.get(0).get("credential").asText()).isEqualTo("Xr7ev1LGCuEWxIUsfPHLdprP82w=");
    }

    @Test
    void sitesGetTheTierPresetsOperatorsDoNot() {
        MediaSettings settings = new MediaSettings(new Config.Ice(List.of(), List.of(), "", "", "", 3600), TIERS, "", clock);
        JsonNode tiers = settings.tiers(Identity.site("w1", "W1", "s1", "default"));
        assertThat(tiers.get("low").get("height").asInt()).isEqualTo(180);
        assertThat(tiers.get("low").get("kbps").asInt()).isEqualTo(150);
        assertThat(tiers.get("high").get("fps").asInt()).isEqualTo(30);
        assertThat(settings.tiers(ann)).isNull();
    }
}
