package io.sitewatch.appliance.standby;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts the primary only if its certificate chain holds the CA whose SHA-256 fingerprint the
 * admin configured: the appliance's own CA is the trust anchor, whatever name the standby uses.
 */
final class PinnedCa implements X509TrustManager {

    private final String fingerprint;

    private PinnedCa(String fingerprint) {
        this.fingerprint = normalize(fingerprint);
    }

    static SSLContext context(String fingerprint) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new PinnedCa(fingerprint)}, new SecureRandom());
        return context;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        for (X509Certificate certificate : chain) {
            if (fingerprint.equals(fingerprintOf(certificate))) {
                if (chain.length > 1 && certificate != chain[0]) {
                    try {
                        chain[0].verify(certificate.getPublicKey());
                    } catch (GeneralSecurityException e) {
                        throw new CertificateException("the primary's certificate is not signed by the pinned CA");
                    }
                }
                chain[0].checkValidity();
                return;
            }
        }
        throw new CertificateException("the primary's certificate chain does not hold the CA with fingerprint "
                + fingerprint);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    static String fingerprintOf(X509Certificate certificate) throws CertificateException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new CertificateException(e);
        }
    }

    static String normalize(String fingerprint) {
        String hex = fingerprint.replaceAll("[^0-9A-Fa-f]", "").toUpperCase(Locale.ROOT);
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(hex));
    }
}
