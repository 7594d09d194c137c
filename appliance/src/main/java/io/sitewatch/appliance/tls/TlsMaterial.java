package io.sitewatch.appliance.tls;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The key and certificate chain the HTTPS connector serves, as a keystore holding one entry, {@link #alias()}.
 *
 * <p>Unless {@link TlsSettings} names the admin's own certificate, the appliance acts as its own CA, keeping
 * these files in {@code <dataDir>/tls/} (0700):
 * <ul>
 *   <li>{@code ca.pem} (0644): the CA certificate, EC P-256, 10 years; what devices install to trust the box;
 *   <li>{@code ca-key.pem} (0600): the CA's private key, unencrypted PKCS#8 PEM;
 *   <li>{@code server.p12} (0600): PKCS12 keystore, alias {@code sitewatch}, server key and chain [server, CA];
 *       the server certificate is EC P-256, valid 825 days, for every name in {@link HostNames#requiredNames()};
 *   <li>{@code server.p12.pass} (0600): the keystore's password, 256 random bits as Base64url text. It only
 *       satisfies PKCS12's need for a password; the file permissions are what protect both keys.
 * </ul>
 * A start reuses them; it reissues the server certificate from the same CA when it expires within 30 days or
 * does not cover a required name (new address, renamed host), and creates everything anew only when the CA is
 * missing, corrupt or expires within 30 days. Devices then have to trust the new {@code ca.pem}.
 */
public final class TlsMaterial {

    static final String ALIAS = "sitewatch";

    private final KeyStore keyStore;
    private final char[] password;
    private final List<X509Certificate> chain;
    private final X509Certificate ca;
    private final Path caPemFile;
    private final List<String> subjectAltNames;

    TlsMaterial(KeyStore keyStore, char[] password, List<X509Certificate> chain, X509Certificate ca, Path caPemFile) {
        this.keyStore = keyStore;
        this.password = password.clone();
        this.chain = List.copyOf(chain);
        this.ca = ca;
        this.caPemFile = caPemFile;
        this.subjectAltNames = Certificates.subjectAltNames(chain.get(0));
    }

    /** The admin's certificate if the settings name one, else the appliance's own, created or renewed as needed. */
    public static TlsMaterial load(Path dataDir, TlsSettings settings, Clock clock) throws TlsException {
        return load(dataDir, settings, clock, HostNames::requiredNames);
    }

    /** {@link #load(Path, TlsSettings, Clock)} with the box's names given; they are looked up only if needed. */
    static TlsMaterial load(Path dataDir, TlsSettings settings, Clock clock, Supplier<Set<String>> requiredNames)
            throws TlsException {
        if (settings.keystore() != null) {
            return UserTls.fromKeyStore(Path.of(settings.keystore()), settings.keystorePassword(), clock.instant());
        }
        if (settings.certificate() != null) {
            return UserTls.fromPem(Path.of(settings.certificate()), Path.of(settings.privateKey()), clock.instant());
        }
        return GeneratedTls.load(dataDir.resolve("tls"), requiredNames.get(), clock.instant());
    }

    /**
     * The server certificate a start would serve, read without creating, renewing or repairing anything (for
     * {@code sitewatch doctor} on a stopped box); empty when the appliance has not made one yet.
     */
    public static Optional<X509Certificate> currentCertificate(Path dataDir, TlsSettings settings)
            throws TlsException {
        if (settings.certificate() != null) {
            return Optional.of(PemFiles.certificates(Path.of(settings.certificate())).get(0));
        }
        Path file = settings.keystore() != null ? Path.of(settings.keystore())
                : dataDir.resolve("tls").resolve(GeneratedTls.SERVER_P12);
        if (!java.nio.file.Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String password = settings.keystore() != null ? settings.keystorePassword() : java.nio.file.Files
                    .readString(dataDir.resolve("tls").resolve(GeneratedTls.SERVER_P12_PASS)).strip();
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                store.load(in, password == null ? new char[0] : password.toCharArray());
            }
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return Optional.of((X509Certificate) store.getCertificateChain(alias)[0]);
                }
            }
            throw new TlsException("keystore " + file + " holds no private key");
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new TlsException("cannot read " + file + ": " + TlsException.reason(e), e);
        }
    }

    /** A certificate's DNS and IP names in the form {@link HostNames#requiredNames()} uses. */
    public static List<String> subjectAltNames(X509Certificate certificate) {
        return Certificates.subjectAltNames(certificate);
    }

    /** The keystore to hand to the TLS connector; callers must not modify it. */
    public KeyStore keyStore() {
        return keyStore;
    }

    /** The password of the keystore and of its key entry; a copy the caller may wipe. */
    public char[] keyStorePassword() {
        return password.clone();
    }

    public String alias() {
        return ALIAS;
    }

    /** The leaf certificate the server presents. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Leaf first, as sent in the handshake. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The appliance's CA, present when the appliance generated the certificate. */
    public Optional<X509Certificate> ca() {
        return Optional.ofNullable(ca);
    }

    /** {@code <dataDir>/tls/ca.pem}, what {@code sitewatch cert export-ca} prints; present when generated. */
    public Optional<Path> caPemFile() {
        return Optional.ofNullable(caPemFile);
    }

    /** The leaf's DNS and IP names, e.g. {@code "DNS:localhost"}, {@code "IP:127.0.0.1"}, {@code "IP:::1"}. */
    public List<String> subjectAltNames() {
        return subjectAltNames;
    }

    /**
     * SHA-256 of the certificate a device must trust, "AB:CD:...": the CA's when generated (to compare with what
     * a device shows while installing ca.pem), else the leaf's.
     */
    public String fingerprintSha256() {
        return Certificates.fingerprintSha256(ca != null ? ca : certificate());
    }
}
