package io.sitewatch.appliance.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated material works end to end: a client trusting only ca.pem accepts the server on 127.0.0.1. */
class TlsHandshakeTest {

    private static final int TIMEOUT_MS = 5_000;

    @TempDir
    Path dataDir;

    @Test
    void clientTrustingCaPemCompletesAHandshakeWithHostnameVerification() throws Exception {
        // The real clock: the JDK checks validity against it during the handshake.
        Clock clock = Clock.systemUTC();
        TlsMaterial material = TlsMaterial.load(dataDir, TlsSettings.generated(), clock,
                () -> HostNames.requiredNames("box", null, List.of()));

        SSLContext server = SSLContext.getInstance("TLS");
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(material.keyStore(), material.keyStorePassword());
        server.init(keys.getKeyManagers(), null, null);

        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<?> accepted = executor.submit(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(TIMEOUT_MS);
                    socket.getOutputStream().write(42);
                    socket.getOutputStream().flush();
                    return socket.getInputStream().read();
                }
            });

            try (SSLSocket client = (SSLSocket) trusting(material.caPemFile().orElseThrow()).getSocketFactory()
                    .createSocket("127.0.0.1", listener.getLocalPort())) {
                client.setSoTimeout(TIMEOUT_MS);
                SSLParameters parameters = client.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                client.setSSLParameters(parameters);

                assertThat(client.getInputStream().read()).isEqualTo(42);
                assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(material.certificate());
                client.getOutputStream().write(7);
                client.getOutputStream().flush();
            }
            assertThat(accepted.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo(7);
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
