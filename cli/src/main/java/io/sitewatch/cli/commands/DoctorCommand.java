package io.sitewatch.cli.commands;

import io.sitewatch.cli.doctor.Doctor;
import io.sitewatch.cli.doctor.Finding;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "doctor", description = {"Check this box and say what is wrong, each finding with a one-line fix: "
        + "service and ports, certificate validity and names, clock, free disk, data directory permissions, STUN "
        + "and TURN servers, database integrity.",
        "Works with the appliance running (through its admin socket) or stopped (reading the data directory). "
                + "Exits 1 when a check fails."})
public final class DoctorCommand implements Callable<Integer> {

    @Mixin
    DataDirOption dataDir;

    @Mixin
    ConfigFileOption config;

    @Option(names = "--json", description = "Print JSON (for scripts).")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Doctor doctor;

    public DoctorCommand() {
        this(new Doctor(Doctor.Probes.system()));
    }

    DoctorCommand(Doctor doctor) {
        this.doctor = doctor;
    }

    @Override
    public Integer call() {
        Doctor.Report report = doctor.examine(dataDir.path(), config.resolve(dataDir.path()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Printer.json(out, report);
        } else {
            print(out, report);
        }
        return report.failed() ? io.sitewatch.cli.Main.REFUSED : 0;
    }

    private static void print(PrintWriter out, Doctor.Report report) {
        out.printf("sitewatch doctor: %s, appliance %s%n", report.dataDir(), report.running() ? "running"
                : "not answering");
        if (report.operatorUrl() != null) {
            out.printf("operators log in at %s%n", report.operatorUrl());
        }
        out.println();
        for (Finding f : report.findings()) {
            String level = f.level() == Finding.Level.OK ? "ok" : f.level().name().toLowerCase(Locale.ROOT);
            out.printf("%-5s %-18s %s%n", f.level() == Finding.Level.FAIL ? "FAIL" : level, f.check(), f.detail());
            if (f.fix() != null && f.level() != Finding.Level.OK) {
                out.printf("%-24s fix: %s%n", "", f.fix());
            }
        }
        long failed = report.findings().stream().filter(f -> f.level() == Finding.Level.FAIL).count();
        long warnings = report.findings().stream().filter(f -> f.level() == Finding.Level.WARN).count();
        out.printf("%n%s%n", failed + warnings == 0 ? "all checks passed" : failed + " failed, " + warnings
                + " warnings");
        out.flush();
    }
}
