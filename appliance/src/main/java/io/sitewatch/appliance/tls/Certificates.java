package io.sitewatch.appliance.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import javax.crypto.spec.PBEParameterSpec;

/** JDK-only certificate and key helpers shared by the generated and the user-supplied paths. */
final class Certificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {
    }

    /** One DER or PEM certificate. */
    static X509Certificate parse(byte[] encoded) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(encoded));
    }

    /** Upper-case hex pairs joined by colons, as browsers and openssl show it. */
    static String fingerprintSha256(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** The DNS and IP entries, in the certificate's order, in the form {@link HostNames} produces. */
    static List<String> subjectAltNames(X509Certificate certificate) {
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (List<?> entry : entries == null ? List.<List<?>>of() : entries) {
            int type = (Integer) entry.get(0);
            String value = String.valueOf(entry.get(1));
            if (type == 2) {
                names.add("DNS:" + value.toLowerCase(Locale.ROOT));
            } else if (type == 7) {
                names.add(ipName(value));
            }
        }
        return List.copyOf(names);
    }

    /**
     * Whether the private key belongs to the public key: a signature made with one must verify with the other.
     * That works for every key type without extracting curve points or moduli.
     */
    static boolean keyMatches(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> throw new GeneralSecurityException("unsupported private key type " + key.getAlgorithm());
        };
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        byte[] signature = signer.sign();
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (InvalidKeyException e) {
            return false; // the certificate holds a different kind of key
        }
    }

    /**
     * A PKCS12 keystore with one entry, the way the TLS connector expects it. The key is encrypted with a single
     * PBKDF2 iteration: the password is always {@link #randomPassword()}, which key stretching cannot strengthen,
     * while the JDK's default 10,000 iterations cost tens of milliseconds of cold start on every read of the key.
     */
    static KeyStore keyStore(String alias, PrivateKey key, char[] password, List<X509Certificate> chain)
            throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an empty keystore", e);
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        KeyStore.ProtectionParameter protection = new KeyStore.PasswordProtection(password,
                "PBEWithHmacSHA256AndAES_256", new PBEParameterSpec(salt, 1));
        store.setEntry(alias, new KeyStore.PrivateKeyEntry(key, chain.toArray(new X509Certificate[0])), protection);
        return store;
    }

    /** 256 random bits as text, for keystores nobody types a password into. */
    static char[] randomPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    private static String ipName(String literal) {
        try {
            return HostNames.ipName(InetAddress.getByName(literal)); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return "IP:" + literal;
        }
    }
}
