package io.sitewatch.appliance.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored credential: the id part of {@code <id>.<secret>} and the SHA-256 of the secret.
 * The secret itself is never stored.
 *
 * @param subject   the site id or operator name
 * @param expiresAt null for tokens that do not expire (site tokens)
 */
public record TokenRecord(String id, Kind kind, String subject, byte[] secretHash, Instant createdAt,
                          Instant expiresAt) {

    public enum Kind { SITE, OPERATOR }

    public TokenRecord {
        Objects.requireNonNull(id);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(subject);
        secretHash = secretHash.clone();
        Objects.requireNonNull(createdAt);
    }

    @Override
    public byte[] secretHash() {
        return secretHash.clone();
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
