package io.sitewatch.appliance.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's own CA and server certificate in {@code <dataDir>/tls/} (files listed on {@link TlsMaterial}).
 * Created on first start and reused after; the server certificate is reissued from the same CA when it nears
 * expiry or stops covering the box's names, so devices keep trusting the CA; everything is created anew only
 * when the CA is missing, corrupt or near expiry. Each file is replaced atomically and any combination of old
 * and new files left by a crash is detected and repaired on the next start.
 */
final class GeneratedTls {

    static final String CA_PEM = "ca.pem";
    static final String CA_KEY_PEM = "ca-key.pem";
    static final String SERVER_P12 = "server.p12";
    static final String SERVER_P12_PASS = "server.p12.pass";
    /** Renew this long before expiry, so a box that restarts now and then never serves an expired certificate. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private static final Logger LOG = LoggerFactory.getLogger(GeneratedTls.class);

    private final Path dir;
    private final Set<String> names;
    private final Instant now;

    private GeneratedTls(Path dir, Set<String> names, Instant now) {
        this.dir = dir;
        this.names = names;
        this.now = now;
    }

    /** Reuses, repairs or creates the material in {@code dir} so that it covers {@code names} at {@code now}. */
    static TlsMaterial load(Path dir, Set<String> names, Instant now) throws TlsException {
        return new GeneratedTls(dir, names, now).load();
    }

    private TlsMaterial load() throws TlsException {
        try {
            SecureFiles.createPrivateDirectory(dir);
        } catch (IOException e) {
            throw new TlsException("cannot create " + dir + ": " + TlsException.reason(e), e);
        }
        X509Certificate ca;
        try {
            ca = readCa();
        } catch (Unusable e) {
            return createEverything(e.getMessage());
        }
        // The CA key is read only when issuing: a plain restart parses no key and loads no BouncyCastle class.
        try {
            TlsMaterial current = readServer(ca);
            Optional<String> reason = reissueReason(current.certificate());
            return reason.isEmpty() ? current : reissue(ca, reason.get());
        } catch (Unusable e) {
            return reissue(ca, e.getMessage());
        }
    }

    private Optional<String> reissueReason(X509Certificate server) {
        Instant notAfter = server.getNotAfter().toInstant();
        if (notAfter.minus(RENEW_BEFORE).isBefore(now)) {
            return Optional.of("the current one expires on " + notAfter);
        }
        List<String> covered = Certificates.subjectAltNames(server);
        List<String> missing = names.stream().filter(name -> !covered.contains(name)).toList();
        return missing.isEmpty() ? Optional.empty()
                : Optional.of("the current one does not cover " + String.join(", ", missing));
    }

    private TlsMaterial reissue(X509Certificate ca, String reason) throws TlsException {
        PrivateKey caKey;
        try {
            caKey = readCaKey(ca);
        } catch (Unusable e) {
            return createEverything(e.getMessage());
        }
        LOG.info("Issuing a new TLS server certificate from the appliance CA: {}", reason);
        return issueServer(ca, caKey);
    }

    private TlsMaterial createEverything(String reason) throws TlsException {
        if (Files.exists(file(CA_PEM))) {
            LOG.warn("Creating a new TLS CA because {}: devices must trust the new {} again", reason, file(CA_PEM));
        } else {
            LOG.info("Creating the appliance's TLS CA in {}", dir);
        }
        try {
            KeyPair keys = CertificateIssuer.newKeyPair();
            X509Certificate ca = CertificateIssuer.newCa(keys, "sitewatch CA " + HostNames.primaryName(names), now);
            // A crash between the two writes leaves a key that does not match ca.pem; that is found, and the CA
            // recreated, once something must be issued. Until then the previous ca.pem and server.p12 still serve.
            write(CA_KEY_PEM, Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded()), SecureFiles::writePrivate);
            write(CA_PEM, Pem.encode("CERTIFICATE", ca.getEncoded()), SecureFiles::writePublic);
            return issueServer(ca, keys.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot create a TLS CA in " + dir + ": " + TlsException.reason(e), e);
        }
    }

    private TlsMaterial issueServer(X509Certificate ca, PrivateKey caKey) throws TlsException {
        try {
            KeyPair keys = CertificateIssuer.newKeyPair();
            X509Certificate server = CertificateIssuer.issueServer(keys.getPublic(), ca, caKey,
                    HostNames.primaryName(names), names, now);
            List<X509Certificate> chain = List.of(server, ca);
            char[] password = Certificates.randomPassword();
            KeyStore store = Certificates.keyStore(TlsMaterial.ALIAS, keys.getPrivate(), password, chain);
            ByteArrayOutputStream p12 = new ByteArrayOutputStream();
            store.store(p12, password);
            // Password first: a crash in between leaves a keystore that does not open, which is reissued.
            write(SERVER_P12_PASS, new String(password).getBytes(StandardCharsets.US_ASCII), SecureFiles::writePrivate);
            write(SERVER_P12, p12.toByteArray(), SecureFiles::writePrivate);
            LOG.info("TLS server certificate for {}, valid until {}", String.join(", ", names),
                    server.getNotAfter().toInstant());
            return new TlsMaterial(store, password, chain, ca, file(CA_PEM));
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException("cannot create a TLS server certificate in " + dir + ": "
                    + TlsException.reason(e), e);
        }
    }

    private X509Certificate readCa() throws Unusable, TlsException {
        Path file = file(CA_PEM);
        X509Certificate ca;
        try {
            ca = Certificates.parse(read(file));
        } catch (CertificateException e) {
            throw new Unusable(file + " holds no certificate");
        }
        Instant notAfter = ca.getNotAfter().toInstant();
        if (notAfter.minus(RENEW_BEFORE).isBefore(now)) {
            throw new Unusable(file + " expires on " + notAfter);
        }
        return ca;
    }

    private PrivateKey readCaKey(X509Certificate ca) throws Unusable, TlsException {
        Path file = file(CA_KEY_PEM);
        byte[] pem = read(file);
        try {
            PrivateKey key = KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Pem.decode(pem, "PRIVATE KEY")));
            if (!Certificates.keyMatches(key, ca.getPublicKey())) {
                throw new Unusable(file + " does not match " + file(CA_PEM));
            }
            return key;
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new Unusable(file + " holds no EC private key");
        }
    }

    private TlsMaterial readServer(X509Certificate ca) throws Unusable, TlsException {
        Path file = file(SERVER_P12);
        char[] password = new String(read(file(SERVER_P12_PASS)), StandardCharsets.US_ASCII).strip().toCharArray();
        byte[] p12 = read(file);
        KeyStore store;
        Certificate[] chain;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(p12), password);
            chain = store.getCertificateChain(TlsMaterial.ALIAS);
        } catch (IOException | GeneralSecurityException e) {
            throw new Unusable(file + " does not open with " + file(SERVER_P12_PASS));
        }
        if (chain == null || chain.length != 2 || !chain[1].equals(ca)) {
            throw new Unusable(file + " holds no chain to " + file(CA_PEM));
        }
        try {
            chain[0].verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new Unusable(file + " was not issued by " + file(CA_PEM));
        }
        return new TlsMaterial(store, password, List.of((X509Certificate) chain[0], ca), ca, file(CA_PEM));
    }

    /** A missing file makes the material unusable; one we may not read is the admin's to fix, not ours to replace. */
    private static byte[] read(Path file) throws Unusable, TlsException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Unusable(file + " is missing");
        } catch (IOException e) {
            throw new TlsException("cannot read " + file + ": " + TlsException.reason(e), e);
        }
    }

    private void write(String name, byte[] content, FileWrite writer) throws TlsException {
        Path file = file(name);
        try {
            writer.write(file, content);
        } catch (IOException e) {
            throw new TlsException("cannot write " + file + ": " + TlsException.reason(e), e);
        }
    }

    private Path file(String name) {
        return dir.resolve(name);
    }

    @FunctionalInterface
    private interface FileWrite {
        void write(Path file, byte[] content) throws IOException;
    }

    /** Why the files on disk cannot be used as they are; the caller replaces them. */
    private static final class Unusable extends Exception {
        Unusable(String reason) {
            super(reason, null, false, false);
        }
    }
}
