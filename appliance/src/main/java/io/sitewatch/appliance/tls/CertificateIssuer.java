package io.sitewatch.appliance.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates the appliance's CA and server certificates. BouncyCastle only encodes them: keys, signatures and
 * certificate parsing come from the JDK's providers, so BouncyCastle is never registered as a JCE provider (the
 * fat jar strips its signature, which a JCE provider would need) and is loaded only when something is issued.
 */
final class CertificateIssuer {

    /** Apple's limit for TLS server certificates, also those chaining to a user-installed root. */
    static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    private static final int CA_VALIDITY_YEARS = 10;
    /** Devices whose clock lags the box's would otherwise reject a certificate issued a moment ago. */
    private static final Duration BACKDATE = Duration.ofDays(1);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateIssuer() {
    }

    /** An EC P-256 key pair from the JDK. */
    static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /** A self-signed CA that may sign end-entity certificates only (path length 0). */
    static X509Certificate newCa(KeyPair keys, String commonName, Instant now) throws GeneralSecurityException {
        X500Name subject = name(commonName);
        Instant notAfter = now.atZone(ZoneOffset.UTC).plusYears(CA_VALIDITY_YEARS).toInstant();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            return sign(builder, keys.getPrivate());
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot encode the CA certificate", e);
        }
    }

    /**
     * A TLS server certificate for {@code names} ({@code "DNS:..."}, {@code "IP:..."}), valid for
     * {@link #SERVER_VALIDITY} but never past the CA.
     */
    static X509Certificate issueServer(PublicKey key, X509Certificate ca, PrivateKey caKey, String commonName,
                                       Collection<String> names, Instant now) throws GeneralSecurityException {
        Instant notAfter = now.plus(SERVER_VALIDITY);
        if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
            notAfter = ca.getNotAfter().toInstant();
        }
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), name(commonName), key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, generalNames(names))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key));
            return sign(builder, caKey);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot encode the server certificate", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
            throws GeneralSecurityException {
        try {
            // No setProvider: the JDK's default providers sign and parse.
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signingKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign a certificate with " + SIGNATURE, e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    /** 128 bits with the top one set: fixed length, positive, never zero. */
    private static BigInteger serial() {
        return new BigInteger(128, RANDOM).setBit(127);
    }

    private static GeneralNames generalNames(Collection<String> names) {
        return new GeneralNames(names.stream().map(CertificateIssuer::generalName).toArray(GeneralName[]::new));
    }

    private static GeneralName generalName(String name) {
        if (name.startsWith("DNS:")) {
            return new GeneralName(GeneralName.dNSName, name.substring(4));
        }
        if (name.startsWith("IP:")) {
            return new GeneralName(GeneralName.iPAddress, name.substring(3));
        }
        throw new IllegalArgumentException("not a DNS: or IP: name: " + name);
    }
}
