package io.sitewatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar from the outside: help, serve --demo over HTTPS with its own CA, one-shot CLI, SIGTERM. */
class JarSmokeIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void helpListsTheCommands() throws Exception {
        JarProcess help = JarProcess.run("--help");
        assertThat(help.process.exitValue()).isZero();
        assertThat(help.output()).contains("serve", "site", "operator", "sessions");
    }

    @Test
    void demoServesHttpsHealthAndTheCliTalksToIt() throws Exception {
        String[] serve = {"serve", "--demo", "--data-dir", dataDir.toString(), "--bind", "127.0.0.1",
                "--https-port", "0", "--http-port", "0"};
        long started = System.nanoTime();
        String operatorUrl;
        try (JarProcess app = JarProcess.start(serve)) {
            String line = app.awaitLine(l -> l.contains("/operator/") && l.strip().startsWith("Operator"));
            operatorUrl = line.strip().split("\\s+")[1];
            URI base = URI.create(operatorUrl).resolve("/");
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(dataDir.resolve("tls/ca.pem")))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(base.resolve("/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            System.out.println("[e2e] java -jar serve --demo to /healthz 200 (demo ready): " + millis + " ms");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("ok");
            assertThat(https.send(HttpRequest.newBuilder(base.resolve("/operator/")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            JarProcess list = JarProcess.run("site", "list", "--json", "--data-dir", dataDir.toString());
            JsonNode sites = JSON.readTree(list.output());
            assertThat(sites).extracting(s -> s.get("id").asText()).containsExactly("demo-1", "demo-2", "demo-3",
                    "demo-4");
            assertThat(app.terminate()).isIn(0, 143);
            assertThat(String.join("\n", app.lines)).doesNotContain("Exception");
        }
        assertThat(Files.exists(dataDir.resolve("admin.sock"))).isFalse();

        try (JarProcess again = JarProcess.start(serve)) {
            String line = again.awaitLine(l -> l.contains("/operator/") && l.strip().startsWith("Operator"));
            String password = again.awaitLine(l -> l.contains("password:"));
            assertThat(line).isNotBlank();
            assertThat(password).isNotBlank();
            String site1 = again.awaitLine(l -> l.contains("Site demo-1"));
            assertThat(site1).contains("token=s");
            again.terminate();
        }
    }

    @Test
    void oneShotCommandsSayWhenTheApplianceIsNotRunning() throws Exception {
        JarProcess list = JarProcess.run("site", "list", "--data-dir", dataDir.toString());
        assertThat(list.process.exitValue()).isEqualTo(3);
        assertThat(list.output()).contains("not running").doesNotContain("Exception");
    }

    static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("sitewatch", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
