package io.sitewatch.appliance.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sitewatch.appliance.signal.SignalObserver;
import io.sitewatch.appliance.signal.msg.Codec;
import io.sitewatch.appliance.signal.msg.ErrorCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Prometheus metrics for {@code /metrics}: sessions by role, messages relayed and rejected by
 * type, errors by code, queue drops, and the JVM. Message types outside the protocol are
 * counted as {@code other} so clients cannot grow the label set.
 */
public final class Metrics implements SignalObserver {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> relayed = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<ErrorCode, Counter> errors = new ConcurrentHashMap<>();
    private final Counter queueDrops = Counter.builder("sitewatch.queue.drops")
            .description("Messages dropped because a session's queue was full").register(registry);

    private boolean jvmBound;

    /**
     * Adds the JVM's own metrics. They load JMX, a few hundred classes, so the appliance binds them after it
     * is serving rather than on its start-up path; a scrape that comes first binds them itself.
     */
    public synchronized void bindJvm() {
        if (jvmBound) {
            return;
        }
        jvmBound = true;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Publishes the session counts (by role) as a gauge. */
    public void gaugeSessions(Supplier<Map<String, Integer>> sessionsByRole) {
        for (String role : new String[] {"site", "operator"}) {
            // A supplier gauge holds its supplier strongly (an object gauge would let it be collected).
            Gauge.builder("sitewatch.sessions", () -> sessionsByRole.get().getOrDefault(role, 0))
                    .description("Signaling sessions, connected or within the resume window")
                    .tag("role", role).register(registry);
        }
    }

    @Override
    public void relayed(String type) {
        counter(relayed, label(type), t -> Counter.builder("sitewatch.messages.relayed")
                .description("Messages relayed between sessions").tag("type", t).register(registry)).increment();
    }

    @Override
    public void rejected(String type, ErrorCode code) {
        counter(rejected, label(type), t -> Counter.builder("sitewatch.messages.rejected")
                .description("Messages answered with an error").tag("type", t).register(registry)).increment();
        counter(errors, code, c -> Counter.builder("sitewatch.errors").description("Errors sent, by code")
                .tag("code", c.wire()).register(registry)).increment();
    }

    @Override
    public void queueDropped() {
        queueDrops.increment();
    }

    public String scrape() {
        bindJvm();
        return registry.scrape();
    }

    private static String label(String type) {
        return Codec.INBOUND_TYPES.containsKey(type) ? type : "other";
    }

    private static <K> Counter counter(Map<K, Counter> counters, K key, Function<K, Counter> create) {
        return counters.computeIfAbsent(key, create);
    }
}
