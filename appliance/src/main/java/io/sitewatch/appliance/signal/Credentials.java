package io.sitewatch.appliance.signal;

import java.util.Optional;

/** Checks the credential of a {@code hello}. Must answer quickly: it runs on the signaling path. */
public interface Credentials {

    /** The identity behind a valid, unexpired, unrevoked token of an enabled site or operator. */
    Optional<Identity> authenticate(String token);
}
