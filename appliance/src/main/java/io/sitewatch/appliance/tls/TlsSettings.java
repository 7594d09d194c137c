package io.sitewatch.appliance.tls;

/**
 * Where the server certificate comes from: a PKCS12 keystore, a PEM certificate chain plus PEM private key,
 * or, when all are blank, a certificate the appliance generates under its own CA. Relative paths resolve
 * against the working directory.
 *
 * @param keystore         PKCS12 (or JKS) file holding exactly one private key and its certificate chain
 * @param keystorePassword password of the keystore and of its key entry
 * @param certificate      PEM file with the certificate chain, leaf first
 * @param privateKey       PEM file with the leaf's unencrypted private key (PKCS#8, or traditional EC/RSA)
 */
public record TlsSettings(String keystore, String keystorePassword, String certificate, String privateKey) {

    public TlsSettings {
        keystore = blankToNull(keystore);
        certificate = blankToNull(certificate);
        privateKey = blankToNull(privateKey);
        if (keystore != null && (certificate != null || privateKey != null)) {
            throw new IllegalArgumentException("TLS: set either keystore or certificate + privateKey, not both");
        }
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException("TLS: certificate and privateKey must be set together");
        }
        if (keystore == null && keystorePassword != null && !keystorePassword.isEmpty()) {
            throw new IllegalArgumentException("TLS: keystorePassword is set but keystore is not");
        }
    }

    /** The appliance's own CA and server certificate. */
    public static TlsSettings generated() {
        return new TlsSettings(null, null, null, null);
    }

    public boolean isGenerated() {
        return keystore == null && certificate == null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
