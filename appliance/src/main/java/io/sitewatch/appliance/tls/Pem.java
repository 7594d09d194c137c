package io.sitewatch.appliance.tls;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The PEM blocks the appliance writes and reads back itself (RFC 7468). Kept on the JDK so that a restart
 * which reuses its files never loads BouncyCastle; user-supplied PEM goes through {@link PemFiles}.
 */
final class Pem {

    private Pem() {
    }

    static byte[] encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The DER content of the first block with that label; IllegalArgumentException when there is none. */
    static byte[] decode(byte[] pem, String label) {
        String text = new String(pem, StandardCharsets.ISO_8859_1);
        String begin = "-----BEGIN " + label + "-----";
        int start = text.indexOf(begin);
        int end = start < 0 ? -1 : text.indexOf("-----END " + label + "-----", start);
        if (end < 0) {
            throw new IllegalArgumentException("no " + label + " block");
        }
        return Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
    }
}
