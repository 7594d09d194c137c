package io.sitewatch.appliance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsApplyWithoutAFile() throws Exception {
        Config config = ConfigLoader.load(dir.resolve("missing.conf"), Map.of(), Map.of());
        assertThat(config).isEqualTo(Config.defaults());
        assertThat(config.http().httpsPort()).isEqualTo(8443);
        assertThat(config.signal().heartbeatMs()).isEqualTo(15_000);
        assertThat(config.ice().stun()).isNotEmpty();
    }

    @Test
    void fileThenEnvironmentThenFlagsEachOverrideTheLast() throws Exception {
        Path file = dir.resolve("sitewatch.conf");
        Files.writeString(file, """
                [http]
                https-port = 9443
                http-port = 9080
                allowed-origins = ["https://a.example"]

                [signal]
                heartbeat-ms = 20000
                room-capacities = { ops = 10 }
                """);
        Config config = ConfigLoader.load(file,
                Map.of("SITEWATCH_HTTP_HTTPS_PORT", "10443", "SITEWATCH_ICE_STUN", "stun:a:1, stun:b:2",
                        "SITEWATCH_DATA_DIR", "/ignored", "PATH", "/bin"),
                Map.of("http.https-port", "11443", "signal.rate-burst", "800"));
        assertThat(config.http().httpsPort()).isEqualTo(11443);
        assertThat(config.http().httpPort()).isEqualTo(9080);
        assertThat(config.http().allowedOrigins()).containsExactly("https://a.example");
        assertThat(config.ice().stun()).containsExactly("stun:a:1", "stun:b:2");
        assertThat(config.signal().heartbeatMs()).isEqualTo(20_000);
        assertThat(config.signal().rateBurst()).isEqualTo(800);
        assertThat(config.signal().roomCapacities()).containsEntry("ops", 10);
        assertThat(config.signal().roomCapacity()).isEqualTo(6);
    }

    @Test
    void unknownKeysAreRejectedNamingTheKeyAndTheSource() throws Exception {
        Path file = dir.resolve("sitewatch.conf");
        Files.writeString(file, "[http]\nhtps-port = 1\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.htps-port").hasMessageContaining(
                        file.toString());
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("SITEWATCH_HTTP_PROT", "1"), Map.of()))
                .hasMessageContaining("SITEWATCH_HTTP_PROT");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("nope", "1")))
                .hasMessageContaining("'nope'");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("http.https-port", "eighty")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("https-port");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("http.https-port", "70000")))
                .hasMessageContaining("http.https-port must be 0-65535");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("ice.turn", "turn:t:3478")))
                .hasMessageContaining("ice.turn-secret");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("ice.stun", "http://x")))
                .hasMessageContaining("stun:");
    }

    @Test
    void malformedTomlIsAReadableError() throws Exception {
        Path file = dir.resolve("sitewatch.conf");
        Files.writeString(file, "[http\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot read");
    }

    @Test
    void effectiveConfigPrintsAsTomlWithSecretsMasked() throws Exception {
        Config config = ConfigLoader.load(null, Map.of(), Map.of("ice.turn", "turn:t:3478", "ice.turn-secret", "s3cret"));
        String toml = ConfigLoader.toToml(config);
        assertThat(toml).contains("https-port = 8443").contains("turn-secret = '********'").doesNotContain("s3cret");
        assertThat(ConfigLoader.keys()).contains("http.https-port", "signal.heartbeat-ms", "ice.turn-secret");
    }
}
