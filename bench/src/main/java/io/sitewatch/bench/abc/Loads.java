package io.sitewatch.bench.abc;

import io.sitewatch.cli.loadtest.LoadClient;
import io.sitewatch.cli.loadtest.Pacer;
import io.sitewatch.cli.loadtest.Peer;
import io.sitewatch.cli.loadtest.RelayLoad;
import io.sitewatch.cli.loadtest.Tally;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** The loads every contender gets, identical in shape and rate; each returns what it measured. */
final class Loads {

    /** Relay latency at a fixed rate: percentiles in milliseconds, and messages lost. */
    record Latency(double p50, double p99, double p999, long lost, long received, String errors) {}

    /** The highest rate held with p99 <= the limit and no loss, and why the ramp stopped. */
    record Throughput(double msgPerSecond, String stoppedBy, List<String> steps) {}

    /** Idle sessions: memory per session over the empty server, and hello -> ready while opening. */
    record Idle(int sessions, double kibPerSession, double openP99, double openP50, long emptyKiB, long fullKiB,
                String errors) {}

    private static final double NANOS_PER_MS = 1e6;
    /** Sessions opened and closed before the idle phase measures (at most the phase's own count). */
    private static final int IDLE_WARMUP = 2_000;

    private Loads() {}

    /** {@code pairs} site/operator pairs relaying both ways at {@code rate} msg/s in total. */
    static Latency latency(Contender c, int pairs, double rate, Duration warmup, Duration measure) throws Exception {
        Tally tally = new Tally();
        LoadClient client = new LoadClient(c.dialect(), c.base(), tally);
        try {
            Topology t = Topology.open(c, client, "lat", pairs, pairs);
            RelayLoad load = new RelayLoad(t.routesBothWays());
            Pacer.run(List.of(load.at(rate)), warmup, () -> false);
            RelayLoad.drain(tally, Duration.ofSeconds(2), () -> false);
            tally.sample();
            long receivedBefore = tally.receivedCount();
            Pacer.run(List.of(load.at(rate)), measure, () -> false);
            long lost = RelayLoad.drain(tally, Duration.ofSeconds(3), () -> false);
            Histogram h = tally.sample().relay();
            t.close();
            return new Latency(h.getValueAtPercentile(50) / NANOS_PER_MS, h.getValueAtPercentile(99) / NANOS_PER_MS,
                    h.getValueAtPercentile(99.9) / NANOS_PER_MS, lost,
                    tally.receivedCount() - receivedBefore, tally.errors().toString());
        } finally {
            closeQuietly(client);
        }
    }

    /**
     * Ramps the relay rate from sites to the operators watching them until p99 exceeds
     * {@code p99LimitMs}, a message is lost, or the generator cannot send the rate asked; then halves the
     * gap between the last rate held and the first one missed {@code refinements} times, so the figure is
     * not just the ramp's step below the limit.
     */
    static Throughput throughput(Contender c, int sites, int operators, double[] rates, int refinements,
                                 Duration step, double p99LimitMs) throws Exception {
        Tally tally = new Tally();
        List<String> steps = new ArrayList<>();
        LoadClient client = new LoadClient(c.dialect(), c.base(), tally);
        try {
            Topology t = Topology.open(c, client, "tp", sites, operators);
            RelayLoad load = new RelayLoad(t.routesSitesToOperators());
            // Not counted: the first connections' relays warm up both ends' JIT, which alone can exceed the limit.
            steps.add(Step.run(tally, load, rates[0], step, p99LimitMs) + " (warm-up, not counted)");
            double held = 0;
            double best = 0;
            Step missed = null;
            for (double rate : rates) {
                Step s = Step.run(tally, load, rate, step, p99LimitMs);
                steps.add(s.toString());
                if (s.failure() != null) {
                    missed = s;
                    break;
                }
                held = rate;
                best = Math.max(best, s.achieved());
            }
            String stoppedBy = missed == null ? "the highest rate tried" : missed.failure();
            for (int i = 0; missed != null && !missed.byGenerator() && i < refinements; i++) {
                double rate = Math.round((held + missed.rate()) / 2);
                Step s = Step.run(tally, load, rate, step, p99LimitMs);
                steps.add(s + " (refining)");
                if (s.failure() == null) {
                    held = rate;
                    best = Math.max(best, s.achieved());
                } else {
                    missed = s;
                    stoppedBy = s.failure();
                }
            }
            t.close();
            return new Throughput(best, stoppedBy, steps);
        } finally {
            closeQuietly(client);
        }
    }

    /** One rate of the ramp: what was sent and received, and why it failed (null if it held). */
    private record Step(double rate, double sentPerSecond, double achieved, double p99, long lost, long errors,
                        String failure, boolean byGenerator) {

        static Step run(Tally tally, RelayLoad load, double rate, Duration length, double p99LimitMs) {
            long sent0 = tally.sentCount();
            long received0 = tally.receivedCount();
            long errors0 = tally.errorCount();
            tally.sample();
            long t0 = System.nanoTime();
            Pacer.run(List.of(load.at(rate)), length, () -> false);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long lost = RelayLoad.drain(tally, Duration.ofSeconds(3), () -> false);
            double sent = (tally.sentCount() - sent0) / seconds;
            double received = (tally.receivedCount() - received0) / seconds;
            long errors = tally.errorCount() - errors0;
            double p99 = tally.sample().relay().getValueAtPercentile(99) / NANOS_PER_MS;
            String failure = null;
            boolean byGenerator = false;
            if (lost > 0 || errors > 0) {
                failure = "loss at " + (long) rate + "/s";
            } else if (p99 > p99LimitMs) {
                failure = String.format("p99 %.1f ms at %d/s", p99, (long) rate);
            } else if (sent < 0.9 * rate) {
                failure = "the generator (sent only " + (long) sent + "/s)";
                byGenerator = true;
            }
            return new Step(rate, sent, received, p99, lost, errors, failure, byGenerator);
        }

        @Override
        public String toString() {
            return String.format("%.0f/s: sent %.0f/s, p99 %.2f ms, lost %d, errors %d%s", rate, sentPerSecond, p99,
                    lost, errors, failure == null ? "" : " -> " + failure);
        }
    }

    /**
     * Opens {@code count} idle site sessions at {@code rate} per second; memory is read after a GC. First the
     * same opening, shorter, then closed: the server's JIT and pools are warm, as after the other phases, so a
     * run of this phase alone measures what a server that has been up a while does.
     */
    static Idle idle(Contender c, int count, double rate) throws Exception {
        int warmup = Math.min(count, IDLE_WARMUP);
        try (Opening warm = Opening.open(c, warmup, rate)) {
            System.out.printf("  warm-up: %d sessions opened at %.0f/s and closed%n", warm.opened(), rate);
        }
        Thread.sleep(1_000);
        long empty = c.rssKiB();
        Path emptyHistogram = c.heapHistogram("empty");
        try (Opening measured = Opening.open(c, count, rate)) {
            Histogram open = measured.tally().sample().open();
            Thread.sleep(2_000);
            long full = c.rssKiB();
            Path idleHistogram = c.heapHistogram("idle");
            int opened = measured.opened();
            if (emptyHistogram != null && idleHistogram != null && opened > 0) {
                printGrowth(HeapHistogram.read(emptyHistogram), HeapHistogram.read(idleHistogram), opened);
            }
            return new Idle(opened, (full - empty) / (double) Math.max(1, opened),
                    open.getValueAtPercentile(99) / NANOS_PER_MS, open.getValueAtPercentile(50) / NANOS_PER_MS,
                    empty, full, measured.tally().errors().toString());
        }
    }

    /** Idle site sessions opened at a rate, by one client; closing closes them and the client. */
    private record Opening(LoadClient client, Tally tally, List<Peer> peers) implements AutoCloseable {

        static Opening open(Contender c, int count, double rate) throws Exception {
            Tally tally = new Tally();
            LoadClient client = new LoadClient(c.dialect(), c.base(), tally);
            List<Peer> peers = new ArrayList<>(count);
            int[] next = {0};
            Pacer.run(List.of(new Pacer.Paced(rate, () -> {
                if (next[0] < count) {
                    peers.add(client.open(c.site("idle", next[0]++)));
                }
            })), Duration.ofMillis((long) (count / rate * 1000) + 2_000), () -> next[0] >= count);
            awaitSettled(peers, 60);
            return new Opening(client, tally, peers);
        }

        int opened() {
            return (int) peers.stream().filter(p -> p.ready().isDone() && !p.ready().isCompletedExceptionally())
                    .count();
        }

        @Override
        public void close() throws InterruptedException {
            peers.forEach(Peer::close);
            Thread.sleep(1_000);
            closeQuietly(client);
        }
    }

    /** Live heap per idle session, in all and by class (the largest 15). */
    private static void printGrowth(HeapHistogram empty, HeapHistogram idle, int sessions) {
        System.out.printf("  live heap per session: %.0f B; largest classes (B, instances per session):%n",
                (idle.totalBytes() - empty.totalBytes()) / (double) sessions);
        for (HeapHistogram.Growth g : idle.growthSince(empty, sessions, 15)) {
            System.out.printf("    %7.1f  %5.2f  %s%n", g.bytesPerSession(), g.instancesPerSession(), g.className());
        }
    }

    /** Stopping a client with thousands of sessions may outlast Jetty's stop timeout: the figures are taken. */
    private static void closeQuietly(LoadClient client) {
        try {
            client.close();
        } catch (Exception e) {
            System.out.println("  (load client stopped uncleanly: " + e + ")");
        }
    }

    /** Waits until every peer is ready or has failed (a failure is counted in the tally, not thrown). */
    static void awaitSettled(List<Peer> peers, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Peer peer : peers) {
            while (!peer.ready().isDone() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    static void awaitReady(List<Peer> peers, int seconds) throws Exception {
        CompletableFuture.allOf(peers.stream().map(Peer::ready).toArray(CompletableFuture[]::new))
                .get(seconds, TimeUnit.SECONDS);
    }

    /** Sites and operators of one phase, connected; operator {@code j} watches sites {@code j, j+ops, ...}. */
    private record Topology(Contender c, List<Peer> sites, List<Peer> operators) {

        static Topology open(Contender c, LoadClient client, String phase, int siteCount, int operatorCount)
                throws Exception {
            List<Peer> sites = new ArrayList<>();
            List<Peer> operators = new ArrayList<>();
            for (int i = 0; i < siteCount; i++) {
                sites.add(client.open(c.site(phase, i)));
            }
            for (int i = 0; i < operatorCount; i++) {
                operators.add(client.open(c.operator(phase, i)));
            }
            awaitReady(sites, 60);
            awaitReady(operators, 60);
            List<List<Integer>> sitesOf = new ArrayList<>();
            for (int j = 0; j < operatorCount; j++) {
                List<Integer> mine = new ArrayList<>();
                for (int i = j; i < siteCount; i += operatorCount) {
                    mine.add(i);
                }
                sitesOf.add(mine);
            }
            c.connect(operators, sitesOf);
            return new Topology(c, sites, operators);
        }

        List<RelayLoad.Route> routesSitesToOperators() {
            List<RelayLoad.Route> routes = new ArrayList<>();
            for (int i = 0; i < sites.size(); i++) {
                routes.add(new RelayLoad.Route(sites.get(i), c.address(operators.get(i % operators.size()))));
            }
            return routes;
        }

        List<RelayLoad.Route> routesBothWays() {
            List<RelayLoad.Route> routes = new ArrayList<>();
            for (int i = 0; i < sites.size(); i++) {
                Peer operator = operators.get(i % operators.size());
                routes.add(new RelayLoad.Route(sites.get(i), c.address(operator)));
                routes.add(new RelayLoad.Route(operator, c.address(sites.get(i))));
            }
            return routes;
        }

        void close() throws InterruptedException {
            sites.forEach(Peer::close);
            operators.forEach(Peer::close);
            Thread.sleep(1_000);
        }
    }
}
