package io.sitewatch.appliance.signal;

/**
 * Per-session token bucket over every inbound message (protocol.md, Rate limit). Messages
 * over the rate are dropped; dropped messages add strikes that leak at the same rate, and a
 * sustained flood that piles up more strikes than the burst size closes the session.
 */
final class RateLimiter {

    enum Verdict { PASS, DROP, CLOSE }

    private final double perMilli;
    private final int burst;
    private double tokens;
    private double strikes;
    private long last;

    RateLimiter(double perSecond, int burst, long now) {
        this.perMilli = perSecond / 1000.0;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Synchronized: a resumed session's new connection may race its old one's last frame. */
    synchronized Verdict acquire(long now) {
        double refill = Math.max(0, now - last) * perMilli;
        last = Math.max(last, now);
        tokens = Math.min(burst, tokens + refill);
        strikes = Math.max(0, strikes - refill);
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.PASS;
        }
        strikes += 1;
        return strikes > burst ? Verdict.CLOSE : Verdict.DROP;
    }
}
