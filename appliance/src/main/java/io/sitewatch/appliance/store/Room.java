package io.sitewatch.appliance.store;

import java.time.Instant;
import java.util.Objects;

/** A voice room the admin defined, with its capacity. */
public record Room(String name, int capacity, Instant createdAt) {

    public Room {
        Objects.requireNonNull(name);
        Objects.requireNonNull(createdAt);
    }
}
