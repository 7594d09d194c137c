package io.sitewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.cli.client.AdminClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * mDNS announce and discover for real, between two test hosts in network namespaces of the
 * test's own (discovery-netns.sh): the multicast never reaches a real network.
 */
class DiscoveryIT {

    @Test
    void anAnnouncedApplianceIsDiscoveredWithItsUrlAndCaFingerprint() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path script = Path.of(getClass().getResource("/discovery-netns.sh").toURI());
        Process probe = new ProcessBuilder(List.of("sh", script.toString(), java, System.getProperty("java.class.path")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.exitValue()).as(out).isZero();
        JsonNode found = AdminClient.JSON.readTree(out.substring(out.indexOf('[')));
        assertThat(found).anySatisfy(f -> {
            assertThat(f.get("name").asText()).isEqualTo("sitewatch probe-box");
            assertThat(f.get("url").asText()).isEqualTo("https://10.250.0.1:18443/");
            assertThat(f.get("addresses").toString()).contains("10.250.0.1");
            assertThat(f.get("fingerprint").asText()).isEqualTo("AB:CD:EF");
            assertThat(f.get("port").asInt()).isEqualTo(18443);
        });
    }
}
