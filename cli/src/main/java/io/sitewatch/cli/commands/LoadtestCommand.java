package io.sitewatch.cli.commands;

import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.loadtest.AdminTarget;
import io.sitewatch.cli.loadtest.LoadRun;
import io.sitewatch.cli.loadtest.Meter;
import io.sitewatch.cli.loadtest.Report;
import io.sitewatch.cli.loadtest.SelfAppliance;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "loadtest", sortOptions = false,
        description = {"Measure what this box carries: simulated sites and operators speaking the real signaling "
                + "protocol (no browser, no media) against the running appliance, or a fresh one with --self.",
                "Temporary sites and operators (group loadtest-...) are created through the admin API and removed "
                        + "afterwards, also on Ctrl-C; their tokens expire on their own if removal fails.",
                "Modes:",
                "  latency     relays at --rate over every (operator, watched site) pair",
                "  throughput  raises the rate by half each --duration step until p99",
                "              passes --max-p99, a message is lost or an error comes back",
                "  capacity    opens --sessions idle site sessions at --open-rate: hello to",
                "              welcome latency, and the appliance's memory per session",
                "  soak        relays, --claims and --rooms together for --duration",
                "Server CPU (100%% = one core) and memory are the appliance process's own, from the admin API; "
                        + "--self runs the appliance in a JVM of its own so they stay apart from the load "
                        + "generator's. The per-session rate limit (signal.rate-per-second) applies: spread the load "
                        + "over more pairs, or raise it with --self --set.",
                "Examples:",
                "  sitewatch loadtest latency --self --rate 2000 --duration 30s",
                "  sitewatch loadtest capacity --self --sessions 10000 --open-rate 1000",
                "  sitewatch loadtest throughput --self --set signal.rate-per-second=100000"})
public final class LoadtestCommand implements Callable<Integer> {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)([KMG]i?B?)?", Pattern.CASE_INSENSITIVE);

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODE", defaultValue = "latency",
            description = "latency (default), throughput, capacity or soak.")
    String mode;

    @Mixin
    DataDirOption dataDir;

    @Option(names = "--self", description = "Start a fresh appliance on a temporary data directory for the run.")
    boolean self;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "With --self: a config key for that appliance.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--sites", paramLabel = "N", defaultValue = "100", description = "Sites (default: ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--operators", paramLabel = "M", defaultValue = "20",
            description = "Operators (default: ${DEFAULT-VALUE}).")
    int operators;

    @Option(names = "--watch", paramLabel = "K", defaultValue = "5",
            description = "Sites each operator watches; each (operator, site) is a relay pair (default: ${DEFAULT-VALUE}).")
    int watch;

    @Option(names = "--rate", paramLabel = "MSG/S", defaultValue = "2000",
            description = "Relayed messages per second over all pairs; throughput: the first step (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--claims", paramLabel = "PER_S", defaultValue = "0",
            description = "Claims of control per second (default: ${DEFAULT-VALUE}).")
    double claims;

    @Option(names = "--rooms", description = "Operators join voice rooms of up to 6.")
    boolean rooms;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "How long to measure: 30s, 5m, 1h (default: 10s; throughput: 3s per step; soak: 5m).")
    Duration duration;

    @Option(names = "--max-p99", paramLabel = "MS", defaultValue = "50",
            description = "Throughput: the highest p99 a step may have (default: ${DEFAULT-VALUE} ms).")
    double maxP99;

    @Option(names = "--sessions", paramLabel = "N", defaultValue = "1000",
            description = "Capacity: idle sessions to open (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--open-rate", paramLabel = "PER_S", defaultValue = "1000",
            description = "Sessions opened per second (default: ${DEFAULT-VALUE}).")
    double openRate;

    @Option(names = "--max-rss", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Capacity: stop when the appliance's memory passes this, e.g. 2G.")
    long maxRss;

    @Option(names = "--json", description = "Print the report as JSON (progress still goes to standard error).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadRun.Options options = options();
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            stopping.set(true);
            try {
                finished.await(30, TimeUnit.SECONDS); // lets the run remove what it provisioned
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadtest-stop");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        Progress progress = new Progress(spec.commandLine().getErr(), Context.of(spec).capableTerminal());
        try {
            Report report = run(options, progress, stopping);
            progress.end();
            if (json) {
                Printer.json(spec.commandLine().getOut(), report);
            } else {
                print(spec.commandLine().getOut(), report);
            }
            return 0;
        } finally {
            progress.end();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (Ctrl-C): the hook is running
            }
        }
    }

    private Report run(LoadRun.Options options, Progress progress, AtomicBoolean stopping) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (self) {
            try (SelfAppliance appliance = SelfAppliance.start(settings)) {
                return runAgainst(appliance.dataDir(), options, progress, stopping, err);
            }
        }
        if (!settings.isEmpty()) {
            throw new IllegalArgumentException("--set configures the appliance of --self; the running one keeps its "
                    + "config");
        }
        return runAgainst(dataDir.path(), options, progress, stopping, err);
    }

    private Report runAgainst(java.nio.file.Path dir, LoadRun.Options options, Progress progress,
                              AtomicBoolean stopping, PrintWriter err) throws Exception {
        try (AdminClient admin = Context.of(spec).connect(dir);
             AdminTarget target = new AdminTarget(admin, warning -> {
                 err.println("sitewatch loadtest: " + warning);
                 err.flush();
             })) {
            return new LoadRun(options, target, progress::show, stopping::get).run();
        }
    }

    private LoadRun.Options options() {
        LoadRun.Mode m;
        try {
            m = LoadRun.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown mode '" + mode
                    + "': use latency, throughput, capacity or soak");
        }
        Duration d = duration != null ? duration : switch (m) {
            case THROUGHPUT -> Duration.ofSeconds(3);
            case SOAK -> Duration.ofMinutes(5);
            default -> Duration.ofSeconds(10);
        };
        try {
            return new LoadRun.Options(m, sites, operators, watch, rate, claims, rooms, d, maxP99, sessions, openRate,
                    maxRss);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    // ---- output ----

    /** The live progress line: redrawn in place on a terminal, one line per second otherwise. */
    static final class Progress {
        private final PrintWriter err;
        private final boolean inPlace;
        private boolean shown;

        Progress(PrintWriter err, boolean inPlace) {
            this.err = err;
            this.inPlace = inPlace;
        }

        synchronized void show(Meter.Progress p) {
            String line = line(p);
            if (inPlace) {
                err.print("\r" + line + "\u001b[K");
            } else {
                err.println(line);
            }
            shown = true;
            err.flush();
        }

        synchronized void end() {
            if (inPlace && shown) {
                err.println();
                err.flush();
            }
            shown = false;
        }

        static String line(Meter.Progress p) {
            return String.format(Locale.ROOT, "%5.0fs  sessions %,d (%,.0f/s)  relay %,.0f msg/s  p50 %.2f ms  "
                            + "p99 %.2f ms  in flight %,d  errors %,d", p.seconds(), p.opened(), p.openedPerSecond(),
                    p.receivedPerSecond(), p.p50Ms(), p.p99Ms(), Math.max(0, p.sent() - p.received()), p.errors());
        }
    }

    static void print(PrintWriter out, Report r) {
        Report.Setup s = r.setup();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("mode", r.mode() + " against " + r.target() + String.format(Locale.ROOT, " (%.1f s)",
                r.seconds())));
        if (!r.mode().equals("capacity")) {
            rows.add(List.of("load", String.format(Locale.ROOT, "%d sites, %d operators x %d sites = %d pairs, "
                            + "%,.0f msg/s%s%s", s.sites(), s.operators(), s.watchPerOperator(), s.pairs(),
                    s.ratePerSecond(), s.claimsPerSecond() > 0 ? String.format(Locale.ROOT, ", %.1f claims/s",
                            s.claimsPerSecond()) : "", s.rooms() ? ", voice rooms" : "")));
        }
        Report.Latency hello = r.sessions().helloToWelcome();
        rows.add(List.of("sessions", String.format(Locale.ROOT, "%,d opened, %,.0f/s; hello->welcome p50 %s  "
                + "p99 %s  p99.9 %s", r.sessions().opened(), r.sessions().openedPerSecond(), ms(hello.p50()),
                ms(hello.p99()), ms(hello.p999()))));
        if (!r.mode().equals("capacity")) {
            Report.Relay relay = r.relay();
            rows.add(List.of("relay", String.format(Locale.ROOT, "%,.0f msg/s; %,d sent, %,d received, %,d lost",
                    relay.perSecond(), relay.sent(), relay.received(), relay.lost())));
            rows.add(List.of("latency", String.format(Locale.ROOT, "p50 %s  p99 %s  p99.9 %s  max %s",
                    ms(relay.latency().p50()), ms(relay.latency().p99()), ms(relay.latency().p999()),
                    ms(relay.latency().max()))));
        }
        if (r.mode().equals("throughput")) {
            rows.add(List.of("best", String.format(Locale.ROOT, "%,.0f msg/s (the fastest step that passed)",
                    r.sustained())));
        }
        if (r.claims().sent() > 0) {
            rows.add(List.of("claims", String.format(Locale.ROOT, "%,d sent, %,d control messages",
                    r.claims().sent(), r.claims().controls())));
        }
        Report.Server server = r.server();
        rows.add(List.of("server", String.format(Locale.ROOT, "CPU %s, memory %s, %s%s since the sessions opened%s",
                server.cpuPercent() < 0 ? "?" : server.cpuPercent() + "%", Printer.bytes(server.rssBytes()),
                server.rssDeltaBytes() < 0 ? "-" : "+", Printer.bytes(Math.abs(server.rssDeltaBytes())),
                server.bytesPerSession() < 0 ? "" : " (" + Printer.bytes(server.bytesPerSession()) + " per session)")));
        rows.add(List.of("errors", r.errors().isEmpty() ? "none" : r.errors().toString()
                + (r.firstError() == null ? "" : " (" + r.firstError() + ")")));
        if (r.limit() != null) {
            rows.add(List.of("limit", r.limit()));
        }
        Printer.align(List.of("", ""), rows).stream().skip(1).forEach(out::println);
        if (!r.steps().isEmpty()) {
            out.println();
            List<List<String>> steps = new ArrayList<>();
            for (Report.Step step : r.steps()) {
                steps.add(List.of(String.format(Locale.ROOT, "%,.0f", step.ratePerSecond()),
                        String.format(Locale.ROOT, "%,.0f", step.receivedPerSecond()), ms(step.latency().p50()),
                        ms(step.latency().p99()), ms(step.latency().p999()), Long.toString(step.lost()),
                        Long.toString(step.errors()), step.passed() ? "yes" : "no"));
            }
            Printer.align(List.of("RATE", "RECEIVED/S", "P50", "P99", "P99.9", "LOST", "ERRORS", "PASSED"), steps)
                    .forEach(out::println);
        }
        out.flush();
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.2f ms", value);
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; a bare number is seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = DURATION.matcher(value.strip());
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 500ms, "
                        + "30s, 5m, 1h");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }

    /** {@code 2G}, {@code 512M}, {@code 64KiB}; a bare number is bytes. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.strip());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size: use e.g. 2G, 512M");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "" : m.group(2).substring(0, 1).toUpperCase(Locale.ROOT);
            return switch (unit) {
                case "K" -> n << 10;
                case "M" -> n << 20;
                case "G" -> n << 30;
                default -> n;
            };
        }
    }
}
