package io.sitewatch.appliance.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads an admin's PEM files with BouncyCastle's parser, which also takes the traditional OpenSSL key formats
 * ({@code BEGIN EC PRIVATE KEY}, {@code BEGIN RSA PRIVATE KEY}) and skips text and blocks it does not need.
 * The converters use the JDK's providers (no setProvider), like {@link CertificateIssuer}.
 */
final class PemFiles {

    private PemFiles() {
    }

    /** Every certificate in the file, in file order. */
    static List<X509Certificate> certificates(Path file) throws TlsException {
        List<Object> objects = readAll(file, "certificate");
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            for (Object object : objects) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException e) {
            throw new TlsException("cannot read certificate " + file + ": " + TlsException.reason(e), e);
        }
        if (certificates.isEmpty()) {
            throw new TlsException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /** The first private key in the file; it must not be encrypted, as nobody is there to type a passphrase. */
    static PrivateKey privateKey(Path file) throws TlsException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object object : readAll(file, "private key")) {
            try {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    // Not getKeyPair: the public key is optional in "EC PRIVATE KEY" and often absent.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            } catch (IOException e) {
                throw new TlsException("cannot read private key " + file + ": " + TlsException.reason(e), e);
            }
            if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsException("the private key in " + file + " is encrypted; decrypt it"
                        + " (openssl pkey -in key.pem -out plain.pem) or use a PKCS12 keystore");
            }
        }
        throw new TlsException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static List<Object> readAll(Path file, String what) throws TlsException {
        List<Object> objects = new ArrayList<>();
        // ISO-8859-1 decodes any byte, so a binary file yields "no PEM block" rather than a charset error.
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
             PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports malformed Base64 or DER with unchecked exceptions too.
            throw new TlsException("cannot read " + what + " " + file + ": " + TlsException.reason(e), e);
        }
        return objects;
    }
}
