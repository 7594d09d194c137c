package io.sitewatch.cli.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * One {@code sitewatch loadtest} run against a {@link Target}: provisions a fleet, opens it over the real
 * protocol, drives the chosen mode and returns the {@link Report}. Progress goes to a consumer once a second.
 */
public final class LoadRun {

    public enum Mode { LATENCY, THROUGHPUT, CAPACITY, SOAK }

    /**
     * @param sites     sites (capacity: ignored, {@code sessions} sites are opened)
     * @param operators operators, each watching {@code watch} sites; every (operator, site) is a relay pair
     * @param rate      relayed messages per second over all pairs (throughput: the first step)
     * @param claims    claims per second (operators taking control of sites they watch)
     * @param rooms     operators join voice rooms of up to 6
     * @param duration  how long to measure (throughput: each step)
     * @param maxP99Ms  throughput: the p99 a passing step may not exceed
     * @param sessions  capacity: sessions to open
     * @param openRate  sessions opened per second
     * @param maxRssBytes capacity: stop when the appliance's resident memory passes this (0: no limit)
     */
    public record Options(Mode mode, int sites, int operators, int watch, double rate, double claims, boolean rooms,
                          Duration duration, double maxP99Ms, int sessions, double openRate, long maxRssBytes) {
        public Options {
            if (mode != Mode.CAPACITY && (sites < 1 || operators < 1 || watch < 1 || watch > sites)) {
                throw new IllegalArgumentException("need at least one site and operator, and 1 <= --watch <= --sites");
            }
            if (rate <= 0 || openRate <= 0 || claims < 0 || maxP99Ms <= 0 || sessions < 1) {
                throw new IllegalArgumentException("rates, --max-p99 and --sessions must be positive");
            }
        }
    }

    private static final Duration READY_WAIT = Duration.ofSeconds(60);
    private static final Duration DRAIN = Duration.ofSeconds(2);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
    /** Relays before measuring, so that both JITs have compiled the relay path. */
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    /** Capacity: sessions opened and closed before measuring, so that the hello path is compiled. */
    private static final int WARM_UP_SESSIONS = 200;
    private static final double STEP_FACTOR = 1.5;
    private static final int ROOM_SIZE = 6;

    private final Options options;
    private final Target target;
    private final Consumer<Meter.Progress> progress;
    private final BooleanSupplier stop;
    private final SitewatchDialect dialect = new SitewatchDialect();
    private final Tally tally = new Tally();
    private final Meter meter = new Meter(tally);
    private final AtomicLong controls = new AtomicLong();
    private final AtomicLong claimsSent = new AtomicLong();
    private final AtomicReference<String> limit = new AtomicReference<>();
    private final List<Peer> peers = new ArrayList<>();

    public LoadRun(Options options, Target target, Consumer<Meter.Progress> progress, BooleanSupplier stop) {
        this.options = options;
        this.target = target;
        this.progress = progress;
        this.stop = () -> stop.getAsBoolean() || limit.get() != null;
    }

    public Report run() throws Exception {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loadtest-progress");
            t.setDaemon(true);
            return t;
        });
        LoadClient client = new LoadClient(dialect, target.base(), tally, target.tls());
        try {
            ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
            return options.mode() == Mode.CAPACITY ? capacity(client) : relays(client);
        } finally {
            ticker.shutdownNow();
            closeAll();
            client.close();
        }
    }

    /** Ends every session with 1000 (the server ends them at once) and waits, boundedly, for the closes. */
    private void closeAll() {
        peers.forEach(Peer::close);
        try {
            CompletableFuture.allOf(peers.stream().map(Peer::closed).toArray(CompletableFuture[]::new))
                    .get(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            // sessions still open are cut when the client stops; the server ends them on its own
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tick() {
        Meter.Progress p = meter.progress();
        progress.accept(p);
        if (options.mode() == Mode.CAPACITY && options.maxRssBytes() > 0) {
            long rss = target.figures().rssBytes();
            if (rss > options.maxRssBytes()) {
                limit.compareAndSet(null, "the appliance's memory passed " + options.maxRssBytes() + " bytes");
            }
        }
    }

    // ---- capacity ----

    private Report capacity(LoadClient client) throws Exception {
        Target.Fleet fleet = target.provision(options.sessions(), 0, ttl());
        List<Peer> warm = open(client, fleet.sites().subList(0, Math.min(WARM_UP_SESSIONS,
                options.sessions() / 5)), false);
        warm.forEach(Peer::close);
        meter.reset();
        Target.Figures before = target.figures();
        long start = System.nanoTime();
        List<Peer> opened = open(client, fleet.sites(), true);
        double seconds = (System.nanoTime() - start) / 1e9;
        Target.Figures after = target.figures();
        if (limit.get() == null && opened.size() >= options.sessions()) {
            limit.set("reached the target of " + options.sessions() + " sessions");
        }
        Histogram open = meter.openTotal();
        return new Report("capacity", target.base().toString(), setup(0, 0, 0), seconds,
                new Report.Sessions(opened.size(), opened.size() / seconds, Report.Latency.of(open)),
                new Report.Relay(0, 0, 0, 0, Report.Latency.of(new Histogram(3))), new Report.Claims(0, 0),
                tally.errors(), tally.firstProblem(), server(before, after, seconds, opened.size()), List.of(),
                limit.get(), 0);
    }

    // ---- relays: latency, soak, throughput ----

    private Report relays(LoadClient client) throws Exception {
        Target.Fleet fleet = target.provision(options.sites(), options.operators(), ttl());
        Target.Figures empty = target.figures();
        long openStart = System.nanoTime();
        List<Peer> sites = open(client, fleet.sites(), false);
        List<Peer> operators = open(client, fleet.operators(), false);
        double openSeconds = (System.nanoTime() - openStart) / 1e9;
        Histogram openLatency = meter.openTotal();
        List<List<Peer>> watched = watch(operators, sites);
        if (options.rooms()) {
            joinRooms(fleet.group(), operators);
        }
        RelayLoad load = new RelayLoad(routes(operators, watched));
        List<Pacer.Paced> extra = options.claims() > 0 ? List.of(claims(operators, watched)) : List.of();

        Pacer.run(List.of(load.at(options.rate())), WARM_UP, stop); // JIT and connections warm
        RelayLoad.drain(tally, DRAIN, () -> false); // bounded; also after Ctrl-C
        meter.reset();
        List<Report.Step> steps = new ArrayList<>();
        Target.Figures before = target.figures();
        long sent0 = tally.sentCount();
        long received0 = tally.receivedCount();
        long start = System.nanoTime();
        double paced;
        if (options.mode() == Mode.THROUGHPUT) {
            ramp(load, steps);
            paced = (System.nanoTime() - start) / 1e9;
        } else {
            List<Pacer.Paced> all = new ArrayList<>(extra);
            all.add(0, load.at(options.rate()));
            Pacer.run(all, options.duration(), stop);
            paced = (System.nanoTime() - start) / 1e9; // shorter than asked when stopped (Ctrl-C)
            RelayLoad.drain(tally, DRAIN, () -> false); // bounded; also after Ctrl-C
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Target.Figures after = target.figures();
        long sent = tally.sentCount() - sent0;
        long received = tally.receivedCount() - received0;
        Histogram relay = meter.relayTotal();
        Report.Server server = server(before, after, seconds, 0);
        long rssDelta = after.rssBytes() < 0 || empty.rssBytes() < 0 ? -1 : after.rssBytes() - empty.rssBytes();
        int sessions = sites.size() + operators.size();
        // Per session only in capacity runs: under relay load the heap grows for reasons other than sessions.
        server = new Report.Server(server.cpuPercent(), server.rssBytes(), rssDelta, -1);
        return new Report(options.mode().name().toLowerCase(), target.base().toString(),
                setup(options.sites(), options.operators(), load.routes() / 2), seconds,
                new Report.Sessions(sessions, sessions / openSeconds, Report.Latency.of(openLatency)),
                new Report.Relay(sent, received, Math.max(0, sent - received), received / paced,
                        Report.Latency.of(relay)),
                new Report.Claims(claimsSent.get(), controls.get()), tally.errors(), tally.firstProblem(), server,
                steps, options.mode() == Mode.THROUGHPUT ? limit.get() : null, steps.stream()
                .filter(Report.Step::passed).mapToDouble(Report.Step::receivedPerSecond).max().orElse(0));
    }

    /** Raises the rate by half each step until p99 passes the bound, a message is lost, or errors appear. */
    private void ramp(RelayLoad load, List<Report.Step> steps) {
        for (double rate = options.rate(); !stop.getAsBoolean(); rate *= STEP_FACTOR) {
            long sent0 = tally.sentCount();
            long received0 = tally.receivedCount();
            long errors0 = tally.errorCount();
            meter.endPhase();
            long start = System.nanoTime();
            Pacer.run(List.of(load.at(rate)), options.duration(), stop);
            double seconds = (System.nanoTime() - start) / 1e9;
            long sent = tally.sentCount() - sent0;
            RelayLoad.drain(tally, DRAIN, () -> false); // bounded; also after Ctrl-C
            Histogram h = meter.endPhase();
            long lost = Math.max(0, sent - (tally.receivedCount() - received0));
            long errors = tally.errorCount() - errors0;
            Report.Latency latency = Report.Latency.of(h);
            boolean keptUp = sent >= 0.9 * rate * seconds;
            boolean passed = latency.p99() <= options.maxP99Ms() && lost == 0 && errors == 0 && keptUp;
            steps.add(new Report.Step(Math.round(rate), (tally.receivedCount() - received0) / seconds, sent, lost,
                    errors, latency, passed));
            if (!passed) {
                limit.compareAndSet(null, lost > 0 ? lost + " messages lost at " + Math.round(rate) + " msg/s"
                        : errors > 0 ? "errors at " + Math.round(rate) + " msg/s: " + tally.errors()
                        : !keptUp ? "the load generator could not send " + Math.round(rate) + " msg/s on this box"
                        : "p99 " + latency.p99() + " ms > " + options.maxP99Ms() + " ms at " + Math.round(rate)
                        + " msg/s");
                return;
            }
        }
    }

    // ---- opening the fleet ----

    /**
     * Opens sessions at the open rate and waits for each to be welcomed. In capacity mode a refused or failed
     * session ends the opening (that is the limit); otherwise it fails the run.
     */
    private List<Peer> open(LoadClient client, List<Dialect.Identity> who, boolean capacity) throws Exception {
        List<Peer> opening = new ArrayList<>();
        long errors0 = tally.errorCount();
        int[] next = {0};
        Pacer.run(List.of(new Pacer.Paced(options.openRate(), () -> {
            if (next[0] < who.size()) {
                Peer peer = client.open(who.get(next[0]++));
                opening.add(peer);
            }
        })), Duration.ofDays(1), () -> next[0] >= who.size() || stop.getAsBoolean()
                || (capacity && tally.errorCount() > errors0));
        peers.addAll(opening);
        List<Peer> ready = new ArrayList<>();
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        for (Peer peer : opening) {
            try {
                ready.add(peer.ready().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                if (!capacity) {
                    throw new IllegalStateException("a session of " + peer.identity().name() + " did not open: "
                            + (tally.firstProblem() != null ? tally.firstProblem() : e.getCause()));
                }
            }
        }
        if (capacity && tally.errorCount() > errors0) {
            limit.compareAndSet(null, "sessions failed to open after " + ready.size() + ": "
                    + (tally.firstProblem() != null ? tally.firstProblem() : tally.errors()));
        }
        return ready;
    }

    /** Operator i watches sites i*K .. i*K+K-1 (wrapping) and waits for their {@code control} messages. */
    private List<List<Peer>> watch(List<Peer> operators, List<Peer> sites) throws Exception {
        List<List<Peer>> watched = new ArrayList<>();
        List<CountDownLatch> answered = new ArrayList<>();
        for (int i = 0; i < operators.size(); i++) {
            List<Peer> set = new ArrayList<>();
            for (int k = 0; k < options.watch(); k++) {
                set.add(sites.get((i * options.watch() + k) % sites.size()));
            }
            watched.add(set);
            CountDownLatch latch = new CountDownLatch(set.size());
            answered.add(latch);
            operators.get(i).onOther(other -> {
                if (other.type().equals("control")) {
                    controls.incrementAndGet();
                    latch.countDown();
                }
            });
            operators.get(i).send(dialect.watch(set.stream().map(p -> p.identity().name()).toList()));
        }
        awaitAll(answered, "the watch sets were not confirmed");
        controls.set(0);
        return watched;
    }

    private void joinRooms(String group, List<Peer> operators) throws Exception {
        List<CountDownLatch> joined = new ArrayList<>();
        for (int i = 0; i < operators.size(); i++) {
            CountDownLatch latch = new CountDownLatch(1);
            joined.add(latch);
            Consumer<Dialect.Event.Other> previous = controlCounter();
            operators.get(i).onOther(other -> {
                if (other.type().equals("room")) {
                    latch.countDown();
                } else {
                    previous.accept(other);
                }
            });
            operators.get(i).send(dialect.joinRoom(group + "-room" + i / ROOM_SIZE));
        }
        awaitAll(joined, "the voice rooms were not joined");
    }

    private Consumer<Dialect.Event.Other> controlCounter() {
        return other -> {
            if (other.type().equals("control")) {
                controls.incrementAndGet();
            }
        };
    }

    private void awaitAll(List<CountDownLatch> latches, String what) throws Exception {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        for (CountDownLatch latch : latches) {
            if (!latch.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException(what + " in " + READY_WAIT.toSeconds() + " s"
                        + (tally.errorCount() > 0 ? ": " + tally.errors() : ""));
            }
        }
    }

    /** Both directions of every (operator, watched site) pair. */
    private static List<RelayLoad.Route> routes(List<Peer> operators, List<List<Peer>> watched) {
        List<RelayLoad.Route> routes = new ArrayList<>();
        for (int i = 0; i < operators.size(); i++) {
            Peer operator = operators.get(i);
            for (Peer site : watched.get(i)) {
                routes.add(new RelayLoad.Route(operator, site.address()));
                routes.add(new RelayLoad.Route(site, operator.address()));
            }
        }
        return routes;
    }

    /** Operators take control of the sites they watch in turn. */
    private Pacer.Paced claims(List<Peer> operators, List<List<Peer>> watched) {
        operators.forEach(o -> o.onOther(controlCounter()));
        int[] turn = {0};
        return new Pacer.Paced(options.claims(), () -> {
            int n = turn[0]++;
            int i = n % operators.size();
            List<Peer> set = watched.get(i);
            operators.get(i).send(dialect.claim(set.get(n / operators.size() % set.size()).identity().name()));
            claimsSent.incrementAndGet();
        });
    }

    // ---- figures ----

    private Report.Setup setup(int sites, int operators, int pairs) {
        return new Report.Setup(sites, operators, options.mode() == Mode.CAPACITY ? 0 : options.watch(), pairs,
                options.mode() == Mode.CAPACITY ? 0 : options.rate(), options.claims(), options.rooms());
    }

    private static Report.Server server(Target.Figures before, Target.Figures after, double seconds, long sessions) {
        double cpu = before.cpuSeconds() < 0 || after.cpuSeconds() < 0 ? -1
                : Math.round((after.cpuSeconds() - before.cpuSeconds()) / seconds * 1000) / 10.0;
        long delta = before.rssBytes() < 0 || after.rssBytes() < 0 ? -1 : after.rssBytes() - before.rssBytes();
        return new Report.Server(cpu, after.rssBytes(), delta, delta < 0 || sessions == 0 ? -1 : delta / sessions);
    }

    /** Credentials outlive a run that could not clean up by at most this. */
    private Duration ttl() {
        Duration run = options.duration().multipliedBy(options.mode() == Mode.THROUGHPUT ? 20 : 1);
        return run.plus(Duration.ofMinutes(15));
    }
}
