package io.sitewatch.appliance;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's CPU time and resident memory, for the admin API's status (what a load test reports). */
final class ProcessFigures {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessFigures() {}

    /** CPU time used by the process since it started, in seconds; -1 where the JVM cannot tell. */
    static double cpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? -1 : nanos / 1e9;
        }
        return -1;
    }

    /** Resident set size in bytes ({@code VmRSS} of {@code /proc/self/status}); -1 off Linux. */
    static long rssBytes() {
        try {
            return rssBytes(Files.readString(STATUS));
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    static long rssBytes(String procStatus) {
        return procStatus.lines().filter(line -> line.startsWith("VmRSS:")).findFirst()
                .map(line -> Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024).orElse(-1L);
    }
}
