package io.sitewatch.cli.loadtest;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The appliance under test as a load run sees it: where to connect, its own figures, and credentials. */
public interface Target extends AutoCloseable {

    /** The signaling server's base, {@code ws://127.0.0.1:8080} or {@code wss://localhost:8443}. */
    URI base();

    /** How to trust its certificate; null for plain {@code ws://}. */
    SslContextFactory.Client tls();

    /** The appliance process's CPU time (seconds) and resident memory (bytes) now. */
    Figures figures();

    /**
     * Registers temporary sites and operators (operators see only these sites) whose credentials expire after
     * {@code ttl} even if {@link #close()} never runs.
     */
    Fleet provision(int sites, int operators, Duration ttl);

    /** Removes everything {@link #provision} made; safe to call twice and from a shutdown hook. */
    @Override
    void close();

    record Figures(double cpuSeconds, long rssBytes) {}

    /** Temporary credentials: identities are site ids and operator names with their tokens. */
    record Fleet(String group, List<Dialect.Identity> sites, List<Dialect.Identity> operators) {}
}
