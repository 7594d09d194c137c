package io.sitewatch.appliance.tls;

import static io.sitewatch.appliance.tls.TestPki.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Set;

import javax.crypto.EncryptedPrivateKeyInfo;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserTlsTest {

    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private TestPki pki;
    private KeyPair keys;
    private X509Certificate leaf;

    @BeforeEach
    void issue() throws Exception {
        pki = TestPki.create();
        keys = TestPki.ecKeys();
        leaf = pki.issue(keys, "app.example.com");
    }

    @Test
    void pkcs12KeystoreIsServedUnderTheApplianceAlias() throws Exception {
        Path p12 = TestPki.writePkcs12(dir.resolve("mine.p12"), "whatever", "s3cret".toCharArray(),
                keys.getPrivate(), leaf, pki.ca);

        TlsMaterial material = load(new TlsSettings(p12.toString(), "s3cret", null, null));

        assertThat(material.chain()).containsExactly(leaf, pki.ca);
        assertThat(material.ca()).isEmpty();
        assertThat(material.caPemFile()).isEmpty();
        assertThat(material.subjectAltNames()).containsExactly("DNS:app.example.com");
        assertThat(material.fingerprintSha256()).isEqualTo(Certificates.fingerprintSha256(leaf));
        Key served = material.keyStore().getKey(material.alias(), material.keyStorePassword());
        assertThat(served.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        assertThat(dir.resolve("data")).as("nothing generated").doesNotExist();
    }

    @Test
    void pemChainWithPkcs8KeyIsUsed() throws Exception {
        Path chain = TestPki.writePem(dir.resolve("fullchain.pem"), leaf, pki.ca);
        Path key = TestPki.writePkcs8(dir.resolve("key.pem"), keys.getPrivate());

        TlsMaterial material = load(pem(chain, key));

        assertThat(material.chain()).containsExactly(leaf, pki.ca);
        assertThat(material.keyStore().getKey(material.alias(), material.keyStorePassword()).getEncoded())
                .isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void traditionalEcKeyIsUsed() throws Exception {
        Path chain = TestPki.writePem(dir.resolve("cert.pem"), leaf);
        Path key = TestPki.writeTraditionalEcKey(dir.resolve("key.pem"), keys.getPrivate());

        assertThat(load(pem(chain, key)).certificate()).isEqualTo(leaf);
    }

    @Test
    void traditionalRsaKeyIsUsed() throws Exception {
        KeyPair rsa = TestPki.rsaKeys();
        X509Certificate rsaLeaf = pki.issue(rsa, "rsa.example.com");
        Path chain = TestPki.writePem(dir.resolve("cert.pem"), rsaLeaf);
        Path key = TestPki.writePem(dir.resolve("key.pem"), rsa.getPrivate());
        assertThat(key).content().startsWith("-----BEGIN RSA PRIVATE KEY-----");

        assertThat(load(pem(chain, key)).certificate()).isEqualTo(rsaLeaf);
    }

    @Test
    void keyOfAnotherCertificateIsRejectedNamingTheKeyFile() throws Exception {
        Path chain = TestPki.writePem(dir.resolve("cert.pem"), leaf);
        Path key = TestPki.writePkcs8(dir.resolve("other-key.pem"), TestPki.ecKeys().getPrivate());

        assertThatThrownBy(() -> load(pem(chain, key))).isInstanceOf(TlsException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("does not match");
    }

    @Test
    void keyOfAnotherTypeIsRejectedNamingTheKeyFile() throws Exception {
        Path chain = TestPki.writePem(dir.resolve("cert.pem"), leaf);
        Path key = TestPki.writePem(dir.resolve("rsa-key.pem"), TestPki.rsaKeys().getPrivate());

        assertThatThrownBy(() -> load(pem(chain, key))).isInstanceOf(TlsException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("does not match");
    }

    @Test
    void expiredCertificateIsRejectedNamingTheFile() throws Exception {
        TestPki old = TestPki.createdLongAgo();
        Path chain = TestPki.writePem(dir.resolve("expired.pem"), old.issue(keys, "app.example.com"));
        Path key = TestPki.writePkcs8(dir.resolve("key.pem"), keys.getPrivate());

        assertThatThrownBy(() -> load(pem(chain, key))).isInstanceOf(TlsException.class)
                .hasMessageContaining(chain.toString()).hasMessageContaining("expired on");
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        Path key = TestPki.writePkcs8(dir.resolve("key.pem"), keys.getPrivate());
        Path absent = dir.resolve("absent.pem");

        assertThatThrownBy(() -> load(pem(absent, key))).isInstanceOf(TlsException.class)
                .hasMessage("cannot read certificate " + absent + ": no such file");
        assertThatThrownBy(() -> load(new TlsSettings(absent.toString(), "x", null, null)))
                .isInstanceOf(TlsException.class).hasMessage("cannot read keystore " + absent + ": no such file");
    }

    @Test
    void fileWithoutPemBlockIsNamed() throws Exception {
        Path chain = TestPki.writePem(dir.resolve("cert.pem"), leaf);
        Path key = Files.write(dir.resolve("key.der"), keys.getPrivate().getEncoded());

        assertThatThrownBy(() -> load(pem(chain, key))).isInstanceOf(TlsException.class)
                .hasMessageStartingWith(key + " holds no PEM private key");
    }

    @Test
    void encryptedKeyIsRejectedWithAHint() throws Exception {
        Path chain = TestPki.writePem(dir.resolve("cert.pem"), leaf);
        byte[] encrypted = new EncryptedPrivateKeyInfo("PBEWithMD5AndDES", new byte[48]).getEncoded();
        Path key = Files.write(dir.resolve("key.pem"), Pem.encode("ENCRYPTED PRIVATE KEY", encrypted));

        assertThatThrownBy(() -> load(pem(chain, key))).isInstanceOf(TlsException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("is encrypted");
    }

    @Test
    void wrongKeystorePasswordIsReportedNamingTheFile() throws Exception {
        Path p12 = TestPki.writePkcs12(dir.resolve("mine.p12"), "mine", "right".toCharArray(),
                keys.getPrivate(), leaf);

        assertThatThrownBy(() -> load(new TlsSettings(p12.toString(), "wrong", null, null)))
                .isInstanceOf(TlsException.class).hasMessageStartingWith("cannot read keystore " + p12 + ": ");
    }

    @Test
    void keystoreWithTwoKeysIsRejected() throws Exception {
        Path p12 = TestPki.writePkcs12(dir.resolve("two.p12"), "one", "pw".toCharArray(), keys.getPrivate(), leaf);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            store.load(in, "pw".toCharArray());
        }
        store.setKeyEntry("two", keys.getPrivate(), "pw".toCharArray(), new X509Certificate[] {leaf});
        try (var out = Files.newOutputStream(p12)) {
            store.store(out, "pw".toCharArray());
        }

        assertThatThrownBy(() -> load(new TlsSettings(p12.toString(), "pw", null, null)))
                .isInstanceOf(TlsException.class).hasMessageContaining(p12.toString())
                .hasMessageContaining("exactly one private key");
    }

    private TlsMaterial load(TlsSettings settings) throws TlsException {
        return TlsMaterial.load(dir.resolve("data"), settings, CLOCK, () -> Set.of("DNS:unused"));
    }

    private static TlsSettings pem(Path certificate, Path key) {
        return new TlsSettings(null, null, certificate.toString(), key.toString());
    }
}
