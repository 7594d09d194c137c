package io.sitewatch.appliance.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** Certificates and files standing in for what an admin brings, made with the production issuer. */
final class TestPki {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    final KeyPair caKeys;
    final X509Certificate ca;

    private TestPki(Instant issuedAt) throws GeneralSecurityException {
        caKeys = CertificateIssuer.newKeyPair();
        ca = CertificateIssuer.newCa(caKeys, "test CA", issuedAt);
    }

    /** A CA issuing at {@link #NOW}. */
    static TestPki create() throws GeneralSecurityException {
        return new TestPki(NOW);
    }

    /** A CA issuing certificates that have expired by {@link #NOW}. */
    static TestPki createdLongAgo() throws GeneralSecurityException {
        return new TestPki(NOW.minus(Duration.ofDays(900)));
    }

    X509Certificate issue(KeyPair keys, String dnsName) throws GeneralSecurityException {
        return CertificateIssuer.issueServer(keys.getPublic(), ca, caKeys.getPrivate(), dnsName,
                List.of("DNS:" + dnsName), ca.getNotBefore().toInstant().plus(Duration.ofDays(1)));
    }

    static KeyPair ecKeys() throws GeneralSecurityException {
        return CertificateIssuer.newKeyPair();
    }

    static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** PEM as OpenSSL writes it: certificates, and RSA private keys in the traditional PKCS#1 format. */
    static Path writePem(Path file, Object... objects) throws IOException {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                pem.writeObject(object);
            }
        }
        return file;
    }

    /** "EC PRIVATE KEY" as {@code openssl ec -no_public} writes it: the curve inside, no public key. */
    static Path writeTraditionalEcKey(Path file, PrivateKey key) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
        ECPrivateKey traditional = new ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
        Files.write(file, Pem.encode("EC PRIVATE KEY", traditional.getEncoded()));
        return file;
    }

    static Path writePkcs8(Path file, PrivateKey key) throws IOException {
        Files.write(file, Pem.encode("PRIVATE KEY", key.getEncoded()));
        return file;
    }

    static Path writePkcs12(Path file, String alias, char[] password, PrivateKey key, X509Certificate... chain)
            throws IOException, GeneralSecurityException {
        KeyStore store = Certificates.keyStore(alias, key, password, List.of(chain));
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        return file;
    }
}
