package io.sitewatch.cli.loadtest;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One simulated client: a WebSocket session speaking a {@link Dialect}. It measures hello-to-ready, records
 * the latency of every relayed probe it receives and counts errors; other frames go to {@link #onOther}.
 */
public final class Peer implements Session.Listener.AutoDemanding {

    private final Dialect.Identity identity;
    private final Dialect dialect;
    private final Tally tally;
    private final CompletableFuture<Peer> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Consumer<Dialect.Event.Other> others = other -> { };
    private volatile Session session;
    private volatile String address;
    private volatile boolean closing;
    private long helloNanos;

    Peer(Dialect.Identity identity, Dialect dialect, Tally tally) {
        this.identity = identity;
        this.dialect = dialect;
        this.tally = tally;
    }

    public Dialect.Identity identity() {
        return identity;
    }

    /** What other peers use to reach this one (known once ready). */
    public String address() {
        return address;
    }

    /** Completes when the server has accepted the session; fails when it refused or the connection broke. */
    public CompletableFuture<Peer> ready() {
        return ready;
    }

    /** Completes once the connection is gone (closed, broken, or never made). */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    /** Where frames that are neither relays nor errors go (one consumer; called on client threads). */
    public void onOther(Consumer<Dialect.Event.Other> consumer) {
        others = consumer;
    }

    /** Sends a relayed probe to {@code to} and counts it as sent. */
    public void relay(String to, long seq) {
        tally.sent();
        send(dialect.relay(to, new Probe(seq, System.nanoTime()).text()));
    }

    /** Sends one frame without waiting; a failed send counts as a {@code send-failed} error. */
    public void send(String frame) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            tally.error("send-failed", "the session of " + identity.name() + " is closed");
            return;
        }
        s.sendText(frame, Callback.from(() -> { }, failure -> {
            if (!closing) {
                tally.error("send-failed", failure.toString());
            }
        }));
    }

    /** Ends the session normally (close code 1000: the server ends it at once). */
    public void close() {
        closing = true;
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(StatusCode.NORMAL, "load test done", Callback.NOOP);
        } else if (s == null && ready.isDone()) {
            closed.complete(null);
        }
    }

    void failToConnect(Throwable cause) {
        Throwable root = cause.getCause() != null ? cause.getCause() : cause;
        tally.error("connect-failed", root.getMessage() == null ? root.toString() : root.getMessage());
        ready.completeExceptionally(root);
        closed.complete(null);
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        if (closing) { // closed while connecting
            session.close(StatusCode.NORMAL, "load test done", Callback.NOOP);
            return;
        }
        helloNanos = System.nanoTime();
        dialect.hello(identity).ifPresentOrElse(this::send, () -> {
            if (dialect.readyOnConnect()) {
                becomeReady(identity.name());
            }
        });
    }

    @Override
    public void onWebSocketText(String frame) {
        Dialect.Event event = dialect.read(frame);
        if (event instanceof Dialect.Event.Relayed r) {
            long now = System.nanoTime();
            Probe probe = Probe.parse(r.probe());
            if (probe == null) {
                tally.error("bad-probe", "a relayed message without a probe reached " + identity.name());
            } else {
                tally.received(now - probe.sentNanos());
            }
        } else if (event instanceof Dialect.Event.Ready r) {
            becomeReady(r.address());
        } else if (event instanceof Dialect.Event.Failed f) {
            tally.error(f.code(), null);
            if (!ready.isDone()) {
                ready.completeExceptionally(new IOException("the server answered " + f.code()));
            }
        } else if (event instanceof Dialect.Event.Other o) {
            tally.other();
            others.accept(o);
        }
    }

    private void becomeReady(String readyAddress) {
        if (ready.isDone()) {
            return;
        }
        address = readyAddress;
        tally.opened(System.nanoTime() - helloNanos);
        ready.complete(this);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        if (!closing) {
            tally.error("close " + statusCode, reason == null || reason.isEmpty() ? null : reason);
        }
        ready.completeExceptionally(new IOException("closed " + statusCode + (reason == null ? "" : " " + reason)));
        closed.complete(null);
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        ready.completeExceptionally(cause);
        closed.complete(null);
    }
}
