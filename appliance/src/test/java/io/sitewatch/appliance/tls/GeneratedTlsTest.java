package io.sitewatch.appliance.tls;

import static io.sitewatch.appliance.tls.TestPki.NOW;
import static io.sitewatch.appliance.tls.TestPki.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class GeneratedTlsTest {

    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Set<String> NAMES = HostNames.requiredNames("box", "box.example.net",
            List.of(address("192.168.1.20"), address("fd00::20")));

    @TempDir
    Path dataDir;

    @Test
    void firstLoadCreatesAnEcCaWithCaFlags() throws Exception {
        TlsMaterial material = load(CLOCK, NAMES);

        X509Certificate ca = material.ca().orElseThrow();
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=sitewatch CA box");
        assertThat(ca.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        ca.verify(ca.getPublicKey());
        assertThat(((ECPublicKey) ca.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(ca.getBasicConstraints()).as("CA with path length 0").isZero();
        assertThat(ca.getKeyUsage()).startsWith(false, false, false, false, false, true, true);
        assertThat(ca.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        assertThat(ca.getExtensionValue("2.5.29.14")).as("subject key id").isNotNull();
        assertThat(ca.getNotAfter().toInstant()).isEqualTo(NOW.atZone(ZoneOffset.UTC).plusYears(10).toInstant());
        assertThat(material.caPemFile()).contains(tls().resolve("ca.pem"));
        assertThat(Certificates.parse(Files.readAllBytes(tls().resolve("ca.pem")))).isEqualTo(ca);
        assertThat(material.fingerprintSha256()).isEqualTo(sha256(ca)).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void firstLoadIssuesAServerCertificateForEveryRequiredName() throws Exception {
        TlsMaterial material = load(CLOCK, NAMES);

        X509Certificate ca = material.ca().orElseThrow();
        X509Certificate server = material.certificate();
        server.verify(ca.getPublicKey());
        assertThat(material.chain()).containsExactly(server, ca);
        assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=box");
        assertThat(material.subjectAltNames()).containsExactlyInAnyOrder("DNS:localhost", "IP:127.0.0.1", "IP:::1",
                "DNS:box", "DNS:box.example.net", "IP:192.168.1.20", "IP:fd00::20");
        assertThat(server.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(server.getKeyUsage()).startsWith(true, false, false, false, false, false, false);
        assertThat(server.getCriticalExtensionOIDs()).contains("2.5.29.15");
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(server.getExtensionValue("2.5.29.35")).as("authority key id").isNotNull();
        assertThat(server.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(825)));
        assertThat(server.getSerialNumber().bitLength()).isEqualTo(128);
        assertThat(material.keyStore().getKey(material.alias(), material.keyStorePassword()))
                .isInstanceOf(PrivateKey.class);
        assertThat(material.keyStore().getCertificateChain("sitewatch")).containsExactly(server, ca);
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void onlyTheCaCertificateIsReadableByOthers() throws Exception {
        load(CLOCK, NAMES);

        assertThat(mode(tls())).isEqualTo("rwx------");
        assertThat(mode(tls().resolve("ca.pem"))).isEqualTo("rw-r--r--");
        assertThat(mode(tls().resolve("ca-key.pem"))).isEqualTo("rw-------");
        assertThat(mode(tls().resolve("server.p12"))).isEqualTo("rw-------");
        assertThat(mode(tls().resolve("server.p12.pass"))).isEqualTo("rw-------");
    }

    @Test
    void secondLoadReusesTheFilesUnchanged() throws Exception {
        TlsMaterial first = load(CLOCK, NAMES);
        Map<String, byte[]> files = files();

        TlsMaterial second = load(CLOCK, NAMES);

        assertThat(second.certificate()).isEqualTo(first.certificate());
        assertThat(second.fingerprintSha256()).isEqualTo(first.fingerprintSha256());
        assertThat(files()).containsOnlyKeys(files.keySet()).allSatisfy((name, bytes) ->
                assertThat(bytes).as(name).isEqualTo(files.get(name)));
        assertThat(second.keyStore().getKey(second.alias(), second.keyStorePassword())).isInstanceOf(PrivateKey.class);
    }

    @Test
    void serverCertificateIsKeptUntilThirtyDaysBeforeExpiry() throws Exception {
        TlsMaterial first = load(CLOCK, NAMES);

        TlsMaterial later = load(Clock.offset(CLOCK, Duration.ofDays(825 - 31)), NAMES);

        assertThat(later.certificate()).isEqualTo(first.certificate());
    }

    @Test
    void serverCertificateNearExpiryIsReissuedFromTheSameCa() throws Exception {
        TlsMaterial first = load(CLOCK, NAMES);
        Map<String, byte[]> files = files();

        TlsMaterial later = load(Clock.offset(CLOCK, Duration.ofDays(800)), NAMES);

        assertThat(later.certificate().getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
        assertThat(later.certificate().getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(800 + 825)));
        later.certificate().verify(first.ca().orElseThrow().getPublicKey());
        assertThat(later.fingerprintSha256()).isEqualTo(first.fingerprintSha256());
        assertThat(Files.readAllBytes(tls().resolve("ca.pem"))).isEqualTo(files.get("ca.pem"));
        assertThat(Files.readAllBytes(tls().resolve("ca-key.pem"))).isEqualTo(files.get("ca-key.pem"));
        assertThat(load(Clock.offset(CLOCK, Duration.ofDays(800)), NAMES).certificate())
                .as("the reissued certificate is what the next start reuses").isEqualTo(later.certificate());
    }

    @Test
    void newAddressReissuesTheServerCertificateFromTheSameCa() throws Exception {
        TlsMaterial first = load(CLOCK, NAMES);
        Set<String> moved = HostNames.requiredNames("box", "box.example.net",
                List.of(address("192.168.1.20"), address("fd00::20"), address("10.0.0.9")));

        TlsMaterial second = load(CLOCK, moved);

        assertThat(second.certificate()).isNotEqualTo(first.certificate());
        assertThat(second.subjectAltNames()).contains("IP:10.0.0.9", "IP:192.168.1.20");
        assertThat(second.fingerprintSha256()).isEqualTo(first.fingerprintSha256());
    }

    @Test
    void addressNoLongerPresentKeepsTheCertificate() throws Exception {
        TlsMaterial first = load(CLOCK, NAMES);
        Set<String> fewer = new LinkedHashSet<>(NAMES);
        fewer.remove("IP:192.168.1.20");

        assertThat(load(CLOCK, fewer).certificate()).isEqualTo(first.certificate());
    }

    @Test
    void corruptCaCreatesEverythingAnew() throws Exception {
        TlsMaterial first = load(CLOCK, NAMES);
        Files.writeString(tls().resolve("ca.pem"), "not a certificate");

        TlsMaterial second = load(CLOCK, NAMES);

        X509Certificate newCa = second.ca().orElseThrow();
        assertThat(second.fingerprintSha256()).isNotEqualTo(first.fingerprintSha256());
        second.certificate().verify(newCa.getPublicKey());
        assertThat(Certificates.parse(Files.readAllBytes(tls().resolve("ca.pem")))).isEqualTo(newCa);
    }

    @Test
    void caNearExpiryCreatesEverythingAnew() throws Exception {
        TlsMaterial first = load(CLOCK, NAMES);

        TlsMaterial later = load(Clock.offset(CLOCK, Duration.ofDays(10 * 365)), NAMES);

        assertThat(later.fingerprintSha256()).isNotEqualTo(first.fingerprintSha256());
        later.certificate().verify(later.ca().orElseThrow().getPublicKey());
    }

    @Test
    void missingCaKeyCreatesEverythingAnewOnceSomethingMustBeIssued() throws Exception {
        TlsMaterial first = load(CLOCK, NAMES);
        Files.delete(tls().resolve("ca-key.pem"));

        assertThat(load(CLOCK, NAMES).certificate()).as("devices keep their trust while nothing needs issuing")
                .isEqualTo(first.certificate());
        TlsMaterial later = load(Clock.offset(CLOCK, Duration.ofDays(800)), NAMES);

        assertThat(later.fingerprintSha256()).isNotEqualTo(first.fingerprintSha256());
        later.certificate().verify(later.ca().orElseThrow().getPublicKey());
    }

    @Test
    void corruptServerKeystoreIsReissuedFromTheSameCa() throws Exception {
        TlsMaterial first = load(CLOCK, NAMES);
        Files.write(tls().resolve("server.p12"), new byte[] {1, 2, 3});

        TlsMaterial second = load(CLOCK, NAMES);

        assertThat(second.certificate()).isNotEqualTo(first.certificate());
        assertThat(second.fingerprintSha256()).isEqualTo(first.fingerprintSha256());
    }

    @Test
    void lostPasswordFileReissuesTheServerCertificate() throws Exception {
        TlsMaterial first = load(CLOCK, NAMES);
        Files.delete(tls().resolve("server.p12.pass"));

        TlsMaterial second = load(CLOCK, NAMES);

        assertThat(second.certificate()).isNotEqualTo(first.certificate());
        assertThat(tls().resolve("server.p12.pass")).exists();
    }

    @Test
    void dataDirectoryThatIsAFileIsReportedByName() throws Exception {
        Path notADirectory = Files.writeString(dataDir.resolve("file"), "x");

        assertThatThrownBy(() -> TlsMaterial.load(notADirectory, TlsSettings.generated(), CLOCK, () -> NAMES))
                .isInstanceOf(TlsException.class)
                .hasMessageContaining(notADirectory.resolve("tls").toString());
    }

    private TlsMaterial load(Clock clock, Set<String> names) throws TlsException {
        return TlsMaterial.load(dataDir, TlsSettings.generated(), clock, () -> names);
    }

    private Path tls() {
        return dataDir.resolve("tls");
    }

    /** Every file in the tls directory, which also shows no temp file is left behind. */
    private Map<String, byte[]> files() throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (var list = Files.list(tls())) {
            for (Path file : list.toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        assertThat(files).containsOnlyKeys("ca.pem", "ca-key.pem", "server.p12", "server.p12.pass");
        return files;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static String sha256(X509Certificate certificate) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }
}
