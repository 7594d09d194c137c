package io.sitewatch.appliance.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A certificate the admin supplies instead of the generated one, checked before Jetty sees it: the key must
 * match the leaf certificate and the certificate must be valid now. It is copied into a fresh in-memory keystore
 * under {@link TlsMaterial#ALIAS}, so the connector never depends on the admin's alias or other entries.
 */
final class UserTls {

    private static final Logger LOG = LoggerFactory.getLogger(UserTls.class);

    private UserTls() {
    }

    /** A PKCS12 keystore (JKS is read too) with exactly one private key, protected by the keystore password. */
    static TlsMaterial fromKeyStore(Path file, String password, Instant now) throws TlsException {
        char[] secret = password == null ? new char[0] : password.toCharArray();
        KeyStore source;
        try (InputStream in = Files.newInputStream(file)) {
            source = KeyStore.getInstance("PKCS12");
            source.load(in, secret);
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException("cannot read keystore " + file + ": " + TlsException.reason(e), e);
        }
        String alias = onlyPrivateKeyAlias(source, file);
        try {
            PrivateKey key = (PrivateKey) source.getKey(alias, secret);
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : source.getCertificateChain(alias)) {
                chain.add((X509Certificate) certificate);
            }
            return validated(key, file, chain, file, now);
        } catch (UnrecoverableKeyException e) {
            throw new TlsException("the private key \"" + alias + "\" in " + file
                    + " needs a password other than the keystore's; give it the keystore password", e);
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot read keystore " + file + ": " + TlsException.reason(e), e);
        }
    }

    /** A PEM certificate chain (leaf first, as in a fullchain.pem) and the leaf's PEM private key. */
    static TlsMaterial fromPem(Path certificateFile, Path keyFile, Instant now) throws TlsException {
        List<X509Certificate> chain = PemFiles.certificates(certificateFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        return validated(key, keyFile, chain, certificateFile, now);
    }

    private static String onlyPrivateKeyAlias(KeyStore store, Path file) throws TlsException {
        List<String> aliases = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                    aliases.add(alias);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot read keystore " + file + ": " + TlsException.reason(e), e);
        }
        if (aliases.size() != 1) {
            throw new TlsException("keystore " + file + " must hold exactly one private key, it holds "
                    + aliases.size() + (aliases.isEmpty() ? "" : " " + aliases));
        }
        return aliases.get(0);
    }

    private static TlsMaterial validated(PrivateKey key, Path keyFile, List<X509Certificate> chain,
                                         Path certificateFile, Instant now) throws TlsException {
        X509Certificate leaf = chain.get(0);
        String subject = leaf.getSubjectX500Principal().getName();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (notAfter.isBefore(now)) {
            throw new TlsException("the certificate in " + certificateFile + " (" + subject + ") expired on "
                    + notAfter);
        }
        if (leaf.getNotBefore().toInstant().isAfter(now)) {
            throw new TlsException("the certificate in " + certificateFile + " (" + subject
                    + ") is not valid before " + leaf.getNotBefore().toInstant() + "; is the clock right?");
        }
        try {
            if (!Certificates.keyMatches(key, leaf.getPublicKey())) {
                throw new TlsException("the private key in " + keyFile + " does not match the first certificate in "
                        + certificateFile + " (" + subject + ")");
            }
            if (notAfter.minus(GeneratedTls.RENEW_BEFORE).isBefore(now)) {
                LOG.warn("The TLS certificate in {} ({}) expires on {}", certificateFile, subject, notAfter);
            }
            char[] password = Certificates.randomPassword();
            KeyStore store = Certificates.keyStore(TlsMaterial.ALIAS, key, password, chain);
            return new TlsMaterial(store, password, chain, null, null);
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot use the private key in " + keyFile + ": " + TlsException.reason(e), e);
        }
    }
}
