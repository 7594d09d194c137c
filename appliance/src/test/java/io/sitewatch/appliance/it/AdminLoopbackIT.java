package io.sitewatch.appliance.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.admin.AdminServer;
import io.sitewatch.appliance.config.ConfigLoader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code admin.http-port}: the admin API over loopback TCP needs the appliance's own Host and the token file. */
class AdminLoopbackIT {

    @TempDir
    Path dir;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void onlyTheOwnHostWithTheTokenGetsIn() throws Exception {
        int port = freePort();
        try (TestAppliance app = TestAppliance.start(dir.resolve("data"), Map.of("http.tls", "false",
                "admin.http-port", Integer.toString(port)))) {
            Path tokenFile = dir.resolve("data").resolve(AdminServer.TOKEN_NAME);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            String token = Files.readString(tokenFile).strip();
            assertThat(token).hasSizeGreaterThanOrEqualTo(32);
            assertThat(app.appliance.adminHttpPort()).isEqualTo(port);
            String bearer = "Bearer " + token;

            assertThat(TestAppliance.rawAdminGet(port, "127.0.0.1:" + port, bearer)).startsWith("HTTP/1.1 200 ").contains("\"version\"");
            assertThat(TestAppliance.rawAdminGet(port, "localhost:" + port, bearer)).startsWith("HTTP/1.1 200 ");
            for (String foreign : new String[] {"evil.example:" + port, "127.0.0.1", "127.0.0.1:" + (port + 1),
                    "localhost.evil.example:" + port, "[::1]:" + (port + 1)}) {
                assertThat(TestAppliance.rawAdminGet(port, foreign, bearer)).as(foreign).startsWith("HTTP/1.1 421 ").contains("wrong-host");
            }
            // Malformed or missing: Jetty refuses before the guard is asked.
            assertThat(TestAppliance.rawAdminGet(port, "127.0.0.1:" + port + ".evil", bearer)).startsWith("HTTP/1.1 400 ");
            assertThat(TestAppliance.rawAdminGet(port, null, bearer)).startsWith("HTTP/1.1 4").doesNotContain("\"version\"");
            for (String wrong : new String[] {null, "", "Bearer", "Bearer " + token + "x", "bearer " + token, token,
                    "Basic " + token}) {
                assertThat(TestAppliance.rawAdminGet(port, "127.0.0.1:" + port, wrong)).as(String.valueOf(wrong))
                        .startsWith("HTTP/1.1 401 ").contains("\"unauthorized\"");
            }
            // The Unix socket is unchanged: its file permissions decide, no token.
            assertThat(app.status().get("version").asText()).isNotBlank();
        }
    }

    @Test
    void theTokenSurvivesARestartAndIsMadeOwnerOnlyAgain() throws Exception {
        int port = freePort();
        Map<String, String> settings = Map.of("http.tls", "false", "admin.http-port", Integer.toString(port));
        Path tokenFile = dir.resolve("data").resolve(AdminServer.TOKEN_NAME);
        String token;
        try (TestAppliance app = TestAppliance.start(dir.resolve("data"), settings)) {
            token = Files.readString(tokenFile).strip();
        }
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-r--r--"));
        try (TestAppliance app = TestAppliance.start(dir.resolve("data"), settings)) {
            assertThat(Files.readString(tokenFile).strip()).isEqualTo(token);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            assertThat(TestAppliance.rawAdminGet(port, "127.0.0.1:" + port, "Bearer " + token)).startsWith("HTTP/1.1 200 ");
        }
    }

    @Test
    void withoutAPortThereIsNoListenerAndNoTokenFile() throws Exception {
        try (TestAppliance app = TestAppliance.plain(dir.resolve("data"))) {
            assertThat(app.appliance.adminHttpPort()).isZero();
            assertThat(dir.resolve("data").resolve(AdminServer.TOKEN_NAME)).doesNotExist();
        }
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("admin.http-port", "70000")))
                .hasMessageContaining("admin.http-port");
    }
}
