package io.sitewatch.appliance.http;

import java.util.Base64;

/**
 * RFC 6455 section 4.1: {@code Sec-WebSocket-Key} is 16 random bytes in base64. Jetty upgrades with any value;
 * the appliance answers a malformed key with 400, as section 4.2.1 requires of a server.
 */
final class UpgradeKey {

    private UpgradeKey() {}

    static boolean wellFormed(String key) {
        if (key == null || key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }
}
