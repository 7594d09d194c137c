package io.sitewatch.appliance.auth;

import io.sitewatch.appliance.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Credentials of the form {@code <token-id>.<secret>} (design.md, Storage): the id is looked
 * up by primary key, the 256-bit secret is stored only as its SHA-256 and compared in
 * constant time. A hello therefore costs one row read, never a scan or a slow hash.
 */
public final class Tokens {

    /** A freshly issued credential: the token is shown once and never stored. */
    public record Issued(String token, TokenRecord record) {}

    /** The two parts of a presented token. */
    public record Parts(String id, String secret) {}

    private static final Pattern FORMAT = Pattern.compile("[so][A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();

    public Issued issue(TokenRecord.Kind kind, String subject, Instant now, Instant expiresAt) {
        String id = (kind == TokenRecord.Kind.SITE ? "s" : "o") + random(12);
        String secret = random(32);
        return new Issued(id + "." + secret, new TokenRecord(id, kind, subject, sha256(secret), now, expiresAt));
    }

    public static Optional<Parts> parse(String token) {
        if (token == null || !FORMAT.matcher(token).matches()) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        return Optional.of(new Parts(token.substring(0, dot), token.substring(dot + 1)));
    }

    /** True when the secret hashes to the stored hash and the token has not expired. */
    public static boolean verify(TokenRecord record, String secret, Instant now) {
        return MessageDigest.isEqual(sha256(secret), record.secretHash()) && !record.expiredAt(now);
    }

    private String random(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return B64.encodeToString(raw);
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
