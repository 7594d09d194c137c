package io.sitewatch.appliance.store;

import java.time.Instant;
import java.util.Optional;

public interface TokenRepository {

    /** One indexed row read: this runs for every {@code hello}. */
    Optional<TokenRecord> find(String id);

    void add(TokenRecord token);

    /** Every token (for a standby's copy of the registry). */
    java.util.List<TokenRecord> list();

    boolean revoke(String id);

    /** Deletes tokens that expired before {@code now}; returns how many. */
    int purgeExpired(Instant now);
}
