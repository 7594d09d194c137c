package io.sitewatch.appliance.store;

import java.time.Instant;
import java.util.Objects;

/** A voice room the admin defined: its capacity, and whether every group shares it (else one per group). */
public record Room(String name, int capacity, boolean shared, Instant createdAt) {

    public Room {
        Objects.requireNonNull(name);
        Objects.requireNonNull(createdAt);
    }
}
