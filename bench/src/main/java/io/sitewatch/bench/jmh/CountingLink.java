package io.sitewatch.bench.jmh;

import io.sitewatch.appliance.signal.Link;

/** A connection that keeps only the latest frame sent to it: the core's cost, without a socket. */
final class CountingLink implements Link {

    /** The first frame (the welcome, after a hello). */
    String first;
    String last;
    long frames;
    int closeCode;

    @Override
    public boolean send(String frame) {
        if (frames++ == 0) {
            first = frame;
        }
        last = frame;
        return true;
    }

    @Override
    public void close(int code, String reason) {
        closeCode = code;
    }

    @Override
    public void abort() {
        closeCode = 1006;
    }

    @Override
    public void ping() {
    }

    @Override
    public long lastActivity() {
        return System.currentTimeMillis();
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1:1";
    }
}
