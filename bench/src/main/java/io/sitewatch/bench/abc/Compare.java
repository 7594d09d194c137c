package io.sitewatch.bench.abc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The A/B/C comparison (bench/run): the same loads, in one run, against the bare Jetty relay,
 * PeerJS server and the appliance, each started in turn on loopback and stopped by its PID.
 * Prints the targets against the measured values and the same-run ratios.
 *
 * <p>Arguments: {@code JAR PEERJS_SCRIPT WORK_DIR [--quick] [--only=NAME,..] [--phases=latency,throughput,idle] [--sessions=N]
 * [--port-base=18091]};
 * {@code --quick} shortens every phase (for checking the harness, not for figures); {@code --only}
 * and {@code --phases} run a part (e.g. while tuning one thing) and then print no table.
 */
public final class Compare {

    private static final int LATENCY_PAIRS = 100;
    private static final double LATENCY_RATE = 2_000;
    private static final int THROUGHPUT_SITES = 1_500;
    private static final int THROUGHPUT_OPERATORS = 30;
    private static final double[] RAMP = {1_000, 2_000, 3_500, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000,
        40_000, 55_000, 75_000, 100_000};
    /** Halvings of the gap between the last rate held and the first missed: the figure is within 1/8 of a step. */
    private static final int REFINEMENTS = 3;
    private static final double P99_LIMIT_MS = 50;
    private static final double OPEN_RATE = 1_000;

    record Result(long startupMs, Loads.Latency latency, Loads.Throughput throughput, Loads.Idle idle) {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        if (args.length < 3) {
            System.err.println("usage: Compare SITEWATCH_JAR PEERJS_SCRIPT WORK_DIR [--quick]");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path peerjs = Path.of(args[1]);
        Path work = Files.createDirectories(Path.of(args[2]));
        List<String> flags = List.of(args).subList(3, args.length);
        boolean quick = flags.contains("--quick");
        List<String> only = flag(flags, "--only=", "bare Jetty,PeerJS,sitewatch");
        List<String> phases = flag(flags, "--phases=", "latency,throughput,idle");
        boolean partial = only.size() < 3 || phases.size() < 3;
        int idleSessions = Integer.parseInt(flag(flags, "--sessions=", quick ? "500" : "10000").get(0));
        // Both JVM servers alike: after the GC before each memory reading, the heap gives back
        // what it does not need, so RSS follows live memory instead of past garbage.
        List<String> jvm = new ArrayList<>(List.of("-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20"));
        // -Dbench.serverJvmOptions="-Xlog:gc:..." adds options to both JVM servers (e.g. GC logs, NMT).
        String extra = System.getProperty("bench.serverJvmOptions", "").trim();
        if (!extra.isEmpty()) {
            jvm.addAll(List.of(extra.split("\\s+")));
        }

        System.out.println("JVM servers (bare Jetty, sitewatch) both run with: " + String.join(" ", jvm)
                + "; the installed launcher (installer/src/deb/sitewatch) adds no JVM option of its own");
        int port = Integer.parseInt(flag(flags, "--port-base=", "18091").get(0));
        List<Contender> contenders = List.of(new BareJetty(port, work, jvm), new PeerJs(port + 1, work, peerjs),
                new ApplianceContender(port + 2, work, jar, jvm));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> contenders.forEach(Contender::stop)));
        Map<String, Result> results = new LinkedHashMap<>();
        for (Contender c : contenders) {
            if (!only.contains(c.name)) {
                continue;
            }
            System.out.println("== " + c.name);
            try {
                c.start();
                System.out.printf("started in %d ms (pid %d)%n", c.startupMillis(), c.pid());
                c.provision(Math.max(idleSessions, THROUGHPUT_SITES));
                Loads.Latency latency = null;
                Loads.Throughput throughput = null;
                Loads.Idle idle = null;
                if (results.isEmpty() && !quick) {
                    // The generator's own JIT warms up here, not while the first server is measured.
                    Loads.latency(c, LATENCY_PAIRS, LATENCY_RATE, Duration.ofSeconds(3), Duration.ofSeconds(10));
                }
                if (phases.contains("latency")) {
                    latency = Loads.latency(c, LATENCY_PAIRS, LATENCY_RATE,
                            Duration.ofSeconds(quick ? 1 : 3), Duration.ofSeconds(quick ? 2 : 10));
                    System.out.println("latency: " + latency);
                }
                if (phases.contains("throughput")) {
                    throughput = Loads.throughput(c, quick ? 300 : THROUGHPUT_SITES,
                            quick ? 6 : THROUGHPUT_OPERATORS, quick ? new double[] {2_000, 4_000} : RAMP,
                            quick ? 1 : REFINEMENTS, Duration.ofSeconds(quick ? 2 : 4), P99_LIMIT_MS);
                    throughput.steps().forEach(s -> System.out.println("  " + s));
                    System.out.println("throughput: " + (long) throughput.msgPerSecond() + "/s, stopped by "
                            + throughput.stoppedBy());
                }
                if (phases.contains("idle")) {
                    idle = Loads.idle(c, idleSessions, OPEN_RATE);
                    System.out.println("idle: " + idle);
                }
                results.put(c.name, new Result(c.startupMillis(), latency, throughput, idle));
            } finally {
                c.stop();
            }
        }
        if (partial) {
            return;
        }
        String table = table(results, Files.size(jar));
        System.out.println();
        System.out.println(table);
        Files.writeString(work.resolve("results.md"), table);
    }

    static String table(Map<String, Result> r, long jarBytes) {
        Result a = r.get("sitewatch");
        Result j = r.get("bare Jetty");
        Result p = r.get("PeerJS");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"measure", "target", "sitewatch", "bare Jetty", "PeerJS", "vs Jetty", "vs PeerJS",
            "met"});
        double tA = a.throughput().msgPerSecond();
        double tJ = j.throughput().msgPerSecond();
        double tP = p.throughput().msgPerSecond();
        rows.add(new String[] {"relay msg/s (p99<=50ms, no loss)", ">=0.8x Jetty, >=1.5x PeerJS", n0(tA), n0(tJ),
            n0(tP), ratio(tA, tJ), ratio(tA, tP), yes(tA > 0 && tA >= 0.8 * tJ && tA >= 1.5 * tP)});
        rows.add(new String[] {"latency p50 ms @2000/s, 100 pairs", "-", n2(a.latency().p50()),
            n2(j.latency().p50()), n2(p.latency().p50()), ratio(a.latency().p50(), j.latency().p50()),
            ratio(a.latency().p50(), p.latency().p50()), "-"});
        rows.add(new String[] {"latency p99 ms", "<= PeerJS", n2(a.latency().p99()), n2(j.latency().p99()),
            n2(p.latency().p99()), ratio(a.latency().p99(), j.latency().p99()),
            ratio(a.latency().p99(), p.latency().p99()), yes(a.latency().p99() <= p.latency().p99())});
        rows.add(new String[] {"latency p99.9 ms", "<= PeerJS", n2(a.latency().p999()), n2(j.latency().p999()),
            n2(p.latency().p999()), ratio(a.latency().p999(), j.latency().p999()),
            ratio(a.latency().p999(), p.latency().p999()), yes(a.latency().p999() <= p.latency().p999())});
        rows.add(new String[] {"latency run: lost messages", "0", Long.toString(a.latency().lost()),
            Long.toString(j.latency().lost()), Long.toString(p.latency().lost()), "", "",
            yes(a.latency().lost() == 0)});
        rows.add(new String[] {"KiB RSS per idle session (" + a.idle().sessions() + ")", "<= 8",
            n2(a.idle().kibPerSession()), n2(j.idle().kibPerSession()), n2(p.idle().kibPerSession()),
            ratio(a.idle().kibPerSession(), j.idle().kibPerSession()),
            ratio(a.idle().kibPerSession(), p.idle().kibPerSession()), yes(a.idle().kibPerSession() <= 8)});
        rows.add(new String[] {"hello->welcome p99 ms opening 1000/s", "< 20", n2(a.idle().openP99()),
            n2(j.idle().openP99()), n2(p.idle().openP99()), ratio(a.idle().openP99(), j.idle().openP99()),
            ratio(a.idle().openP99(), p.idle().openP99()), yes(a.idle().openP99() < 20)});
        rows.add(new String[] {"start-up to health 200, ms", "< 1500", Long.toString(a.startupMs()),
            Long.toString(j.startupMs()), Long.toString(p.startupMs()), ratio(a.startupMs(), j.startupMs()),
            ratio(a.startupMs(), p.startupMs()), yes(a.startupMs() < 1500)});
        rows.add(new String[] {"sitewatch.jar size, MiB", "stated", String.format("%.1f", jarBytes / 1048576.0), "",
            "", "", "", "-"});
        StringBuilder out = new StringBuilder();
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int k = 0; k < rows.size(); k++) {
            StringBuilder line = new StringBuilder("|");
            for (int i = 0; i < widths.length; i++) {
                line.append(' ').append(String.format("%-" + widths[i] + "s", rows.get(k)[i])).append(" |");
            }
            out.append(line).append('\n');
            if (k == 0) {
                StringBuilder rule = new StringBuilder("|");
                for (int w : widths) {
                    rule.append('-').append("-".repeat(w)).append("-|");
                }
                out.append(rule).append('\n');
            }
        }
        out.append("\nthroughput stopped by: ");
        r.forEach((name, res) -> out.append(name).append(": ").append(res.throughput().stoppedBy()).append("; "));
        out.append("\nerrors: ");
        r.forEach((name, res) -> out.append(name).append(" latency ").append(res.latency().errors())
                .append(" idle ").append(res.idle().errors()).append("; "));
        out.append('\n');
        return out.toString();
    }

    private static List<String> flag(List<String> flags, String prefix, String all) {
        String value = flags.stream().filter(f -> f.startsWith(prefix)).findFirst().map(f -> f.substring(
                prefix.length())).orElse(all);
        return List.of(value.split(","));
    }

    private static String n0(double v) {
        return String.format("%.0f", v);
    }

    private static String n2(double v) {
        return String.format("%.2f", v);
    }

    private static String ratio(double a, double b) {
        return b == 0 ? "-" : String.format("%.2fx", a / b);
    }

    private static String yes(boolean met) {
        return met ? "yes" : "NO";
    }
}
