package io.sitewatch.cli.loadtest;

/**
 * What a relayed test message carries: a sequence number and the sender's {@link System#nanoTime()}, dressed
 * as an ICE candidate line of realistic size (what dominates signaling traffic), so servers relay what they
 * would relay in production. The foundation holds the sequence number and the component the send time.
 */
public record Probe(long seq, long sentNanos) {

    private static final String PREFIX = "candidate:";
    private static final String TAIL = " udp 2122260223 192.0.2.37 56143 typ srflx raddr 10.20.30.37 rport 56143"
            + " generation 0 ufrag Qx1fK9 network-id 1 network-cost 10";

    /** The candidate line, about 160 characters; in a dialect's frame about 250 bytes. */
    public String text() {
        return PREFIX + seq + ' ' + sentNanos + TAIL;
    }

    /** The probe in a candidate line, or null when the line is not one {@link #text()} made. */
    public static Probe parse(String line) {
        if (line == null || !line.startsWith(PREFIX)) {
            return null;
        }
        int i = PREFIX.length();
        int space = line.indexOf(' ', i);
        int end = space < 0 ? -1 : line.indexOf(' ', space + 1);
        if (end < 0 || line.length() != end + TAIL.length() || !line.startsWith(TAIL, end)) {
            return null;
        }
        try {
            return new Probe(Long.parseLong(line, i, space, 10), Long.parseLong(line, space + 1, end, 10));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
