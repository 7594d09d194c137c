package io.sitewatch.cli.loadtest;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The result of one load run, as {@code --json} prints it and the table shows it. Latencies in milliseconds;
 * server figures from the appliance's admin API (its own process), -1 where unknown.
 *
 * @param limit     why a ramp or capacity run stopped where it did; null for fixed runs
 * @param sustained throughput runs: messages per second received in the best step that passed; 0 otherwise
 */
public record Report(String mode, String target, Setup setup, double seconds, Sessions sessions, Relay relay,
                     Claims claims, Map<String, Long> errors, String firstError, Server server, List<Step> steps,
                     String limit, double sustained) {

    /** What was asked for. */
    public record Setup(int sites, int operators, int watchPerOperator, int pairs, double ratePerSecond,
                        double claimsPerSecond, boolean rooms) {}

    /** Sessions opened, how fast, and hello-to-welcome latency while opening them. */
    public record Sessions(long opened, double openedPerSecond, Latency helloToWelcome) {}

    /** Relayed messages: sent, received, lost (sent and never received), received per second, latency. */
    public record Relay(long sent, long received, long lost, double perSecond, Latency latency) {}

    public record Claims(long sent, long controls) {}

    /**
     * @param cpuPercent     server CPU over the run; 100 = one core busy
     * @param rssBytes       server resident memory at the end
     * @param rssDeltaBytes  growth of server resident memory while the sessions were open
     * @param bytesPerSession {@code rssDeltaBytes} over the sessions opened
     */
    public record Server(double cpuPercent, long rssBytes, long rssDeltaBytes, long bytesPerSession) {}

    /** One step of a throughput ramp. */
    public record Step(double ratePerSecond, double receivedPerSecond, long sent, long lost, long errors,
                       Latency latency, boolean passed) {}

    /** Latency percentiles in milliseconds. */
    public record Latency(long count, double p50, double p99, double p999, double max) {
        public static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0);
            }
            return new Latency(h.getTotalCount(), round(h.getValueAtPercentile(50)), round(h.getValueAtPercentile(99)),
                    round(h.getValueAtPercentile(99.9)), round(h.getMaxValue()));
        }

        private static double round(long nanos) {
            return Math.round(nanos / 1e3) / 1e3;
        }
    }
}
