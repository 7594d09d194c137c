package io.sitewatch.appliance.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A control-room operator.
 *
 * @param passwordHash a {@code Passwords} hash string; never the password
 * @param groups       the site groups it may watch; null means every group
 */
public record Operator(String name, String passwordHash, Set<String> groups, Instant createdAt) {

    public Operator {
        Objects.requireNonNull(name);
        Objects.requireNonNull(passwordHash);
        groups = groups == null ? null : Set.copyOf(groups);
        Objects.requireNonNull(createdAt);
    }

    public Operator withPasswordHash(String hash) {
        return new Operator(name, hash, groups, createdAt);
    }
}
