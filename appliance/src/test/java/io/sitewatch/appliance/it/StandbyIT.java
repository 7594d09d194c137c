package io.sitewatch.appliance.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.registry.RegistryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A standby following its primary: the registry mirrored, credentials valid on both, changes only on the primary. */
class StandbyIT {

    static final String SECRET = "a-pair-secret-of-some-length";

    @TempDir
    Path primaryDir;
    @TempDir
    Path standbyDir;
    TestAppliance primary;
    TestAppliance standby;
    WebSocketClient ws;

    @BeforeEach
    void start() throws Exception {
        ws = new WebSocketClient();
        ws.start();
    }

    @AfterEach
    void stop() throws Exception {
        ws.stop();
        if (standby != null) {
            standby.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    void plainPair() throws Exception {
        primary = TestAppliance.start(primaryDir, Map.of("http.tls", "false", "standby.secret", SECRET,
                "standby.url", "ws://127.0.0.1:1/signal"));
        standby = TestAppliance.start(standbyDir, Map.of("http.tls", "false", "standby.of", primary.origin(),
                "standby.secret", SECRET, "standby.interval-seconds", "1"));
    }

    @Test
    void credentialsIssuedOnThePrimaryWorkOnTheStandby() throws Exception {
        primary = TestAppliance.start(primaryDir, Map.of("http.tls", "false", "standby.secret", SECRET));
        String siteToken = primary.site("w1", "east");
        String opToken = primary.operator("ann", Set.of("east"));
        primary.appliance.registry().putRoom("dispatch", 3, true);
        standby = TestAppliance.start(standbyDir, Map.of("http.tls", "false", "standby.of", primary.origin(),
                "standby.secret", SECRET));
        assertThat(standby.appliance.registry().sites()).extracting(s -> s.id() + "@" + s.group())
                .containsExactly("w1@east");
        assertThat(standby.appliance.registry().operator("ann").groups()).containsExactly("east");
        assertThat(standby.appliance.core().capacityOf("dispatch")).isEqualTo(3);
        try (WsClient site = WsClient.connect(ws, standby.signal()); WsClient op = WsClient.connect(ws, standby.signal())) {
            assertThat(site.hello(siteToken).get("type").asText()).isEqualTo("welcome");
            assertThat(op.hello(opToken).get("peers").toString()).contains(site.sessionId);
        }
    }

    @Test
    void theStandbyRefusesAdminChangesAndFollowsThePrimarysWithinSeconds() throws Exception {
        plainPair();
        String token = primary.site("w1");
        awaitMirrored(() -> standby.appliance.registry().sites().size() == 1);
        assertThatThrownBy(() -> standby.appliance.registry().addSite(
                new io.sitewatch.appliance.registry.Registry.SiteSpec("w2", null, null, null)))
                .isInstanceOf(RegistryException.class).hasMessageContaining("standby of " + primary.origin());
        try (WsClient site = WsClient.connect(ws, standby.signal())) {
            site.hello(token);
            primary.appliance.registry().setEnabled("w1", false);
            assertThat(site.awaitClose()).as("disabled on the primary, closed on the standby").isEqualTo(4001);
        }
    }

    @Test
    void thePrimaryNamesItsStandbyInWelcome() throws Exception {
        plainPair();
        try (WsClient op = WsClient.connect(ws, primary.signal())) {
            JsonNode welcome = op.hello(primary.operator("ann"));
            assertThat(welcome.get("standby").asText()).isEqualTo("ws://127.0.0.1:1/signal");
            assertThat(welcome.get("features").toString()).contains("standby");
        }
        try (WsClient op = WsClient.connect(ws, standby.signal())) {
            awaitMirrored(() -> !standby.appliance.registry().operators().isEmpty());
            assertThat(op.hello(primary.appliance.registry().issueOperatorToken("ann", null).token()).has("standby"))
                    .isFalse();
        }
    }

    @Test
    void aWrongSecretIsRefusedAndReported() throws Exception {
        primary = TestAppliance.start(primaryDir, Map.of("http.tls", "false", "standby.secret", SECRET));
        standby = TestAppliance.start(standbyDir, Map.of("http.tls", "false", "standby.of", primary.origin(),
                "standby.secret", "not-the-pair-secret-at-all", "standby.interval-seconds", "1"));
        awaitMirrored(() -> standbyError().contains("standby.secret differs"));
        assertThat(standby.appliance.registry().sites()).isEmpty();
    }

    @Test
    void overHttpsTheStandbyPinsThePrimarysCaAndServesWithIt() throws Exception {
        primary = TestAppliance.start(primaryDir, Map.of("standby.secret", SECRET));
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(primary.appliance.caFile().orElseThrow()));
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));
        primary.site("w1");
        String https = "https://localhost:" + primary.appliance.port();
        standby = TestAppliance.start(standbyDir, Map.of("standby.of", https, "standby.secret", SECRET,
                "standby.ca-fingerprint", fingerprint));
        assertThat(standby.appliance.registry().sites()).hasSize(1);
        assertThat(Files.readAllBytes(standby.appliance.caFile().orElseThrow()))
                .isEqualTo(Files.readAllBytes(primary.appliance.caFile().orElseThrow()));

        standby.close();
        String wrong = (fingerprint.startsWith("00") ? "FF" : "00") + fingerprint.substring(2); // never the right one
        standby = TestAppliance.start(standbyDir.resolveSibling(standbyDir.getFileName() + "-2"), Map.of(
                "standby.of", https, "standby.secret", SECRET, "standby.ca-fingerprint", wrong));
        assertThat(standby.status().get("standbyError").asText()).isNotBlank();
        assertThat(standby.appliance.registry().sites()).isEmpty();
    }

    String standbyError() {
        try {
            return standby.status().path("standbyError").asText("");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitMirrored(java.util.function.BooleanSupplier condition) throws InterruptedException {
        SignalProtocolIT.await("the standby to mirror", condition);
    }
}
