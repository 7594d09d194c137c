package io.sitewatch.appliance.store;

import java.time.Instant;
import java.util.Objects;

/** A registered site. Its credential lives in {@link TokenRepository} with kind {@link TokenRecord.Kind#SITE}. */
public record Site(String id, String name, String location, String group, boolean enabled, Instant createdAt) {

    public static final String DEFAULT_GROUP = "default";

    public Site {
        Objects.requireNonNull(id);
        name = name == null || name.isBlank() ? id : name;
        location = location == null ? "" : location;
        group = group == null || group.isBlank() ? DEFAULT_GROUP : group;
        Objects.requireNonNull(createdAt);
    }

    public Site withEnabled(boolean value) {
        return new Site(id, name, location, group, value, createdAt);
    }
}
