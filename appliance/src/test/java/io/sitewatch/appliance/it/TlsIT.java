package io.sitewatch.appliance.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default HTTPS appliance: its own CA, wss:// signaling, and the plain port that only redirects. */
class TlsIT {

    @TempDir
    Path dataDir;
    TestAppliance app;

    @BeforeEach
    void start() throws Exception {
        app = TestAppliance.tls(dataDir);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void wssSignalingWorksWithTheAppliancesOwnCa() throws Exception {
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setSslContext(trusting(app.appliance.caFile().orElseThrow()));
        org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();
        http.setSslContextFactory(ssl);
        WebSocketClient ws = new WebSocketClient(http);
        ws.start();
        try (WsClient site = WsClient.connect(ws, URI.create("wss://localhost:" + app.appliance.port() + "/signal"))) {
            assertThat(site.hello(app.site("w1")).get("type").asText()).isEqualTo("welcome");
        } finally {
            ws.stop();
        }
    }

    @Test
    void plainHttpRedirectsPagesAndRefusesApiAndSignal() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String plain = "http://127.0.0.1:" + app.appliance.redirectPort();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(plain + "/operator/?x=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(308);
        assertThat(page.headers().firstValue("Location")).hasValue("https://127.0.0.1:" + app.appliance.port()
                + "/operator/?x=1");
        for (String path : new String[] {"/api/login", "/signal"}) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(plain + path))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(refused.headers().firstValue("Connection")).as(path).hasValue("close");
        }
        HttpClient https = HttpClient.newBuilder().sslContext(trusting(app.appliance.caFile().orElseThrow())).build();
        assertThat(https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance.port()
                + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void certificateIsReusedOnRestart() throws Exception {
        byte[] before = Files.readAllBytes(app.appliance.caFile().orElseThrow());
        app = app.restart(java.util.Map.of());
        assertThat(Files.readAllBytes(app.appliance.caFile().orElseThrow())).isEqualTo(before);
    }

    static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
