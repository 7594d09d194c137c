package io.sitewatch.appliance;

import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.appliance.http.HttpJson;
import io.sitewatch.appliance.http.WebServer;
import io.sitewatch.appliance.metrics.Metrics;
import io.sitewatch.appliance.signal.msg.Codec;
import io.sitewatch.appliance.store.sqlite.SqliteStore;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up work that needs nothing from the command line or the config, done on the second core while the main
 * thread parses the arguments, loads the config and opens the database (issue 11: {@code java -jar} to
 * {@code /healthz} in under 1.5 s on a 2-core box; the idea is Spring Boot's {@code BackgroundPreinitializer}).
 * Each step does what first touches a library on the way to serving, in the order {@link Appliance#start}
 * touches them, and keeps nothing the appliance reads: the main thread finds classes loaded and initialized,
 * native code loaded and jars indexed, or waits for the JVM's class-initialization lock. Going the same way as
 * the main thread keeps the two from initializing classes in opposite orders. A step that fails is left for
 * the real start-up to meet and report.
 */
public final class Preinitializer {

    private static final Logger LOG = LoggerFactory.getLogger(Preinitializer.class);

    private Preinitializer() {}

    /** Starts the work on a daemon thread and returns at once. */
    public static Thread start() {
        Thread thread = new Thread(Preinitializer::run, "preinit");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static void run() {
        Appliance.tuneJetty();
        step("config", () -> ConfigLoader.load(null, Map.of(), Map.of()));
        step("sqlite", SqliteStore::loadNativeLibrary);
        step("metrics", Metrics::new);
        step("codec", Codec::new);
        step("jetty", WebServer::preload);
        step("json", () -> HttpJson.MAPPER.writeValueAsBytes(Map.of("status", "ok", "uptimeSeconds", 0L,
                "sessions", Map.of("total", 0))));
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static void step(String name, Step step) {
        try {
            step.run();
        } catch (Exception | LinkageError e) {
            LOG.debug("preinitializing {} failed: {}", name, e.toString());
        }
    }
}
