package io.sitewatch.appliance.http;

import io.sitewatch.appliance.signal.Link;
import io.sitewatch.appliance.signal.SignalCore;
import io.sitewatch.appliance.signal.msg.CloseCode;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty side of one {@code /signal} connection: moves frames between the socket and the
 * core and nothing else. Outgoing frames are handed to Jetty's flusher at once; the frames and
 * characters not yet written are bounded, and a full outbox tells the core the client is too slow.
 */
public final class SignalSocket implements Session.Listener.AutoDemanding, Link {

    private static final Logger LOG = LoggerFactory.getLogger(SignalSocket.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Unwritten text a client may hold up: 64 frames of the largest size (protocol.md, Transport). */
    static final long MAX_UNWRITTEN_CHARS = 64 * 64 * 1024;

    private final SignalCore core;
    private final Clock clock;
    private final int outboxLimit;
    private final String remote;
    private final AtomicInteger unwritten = new AtomicInteger();
    private final AtomicLong unwrittenChars = new AtomicLong();
    private volatile boolean overflowed;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Session session;
    private volatile long lastActivity;

    SignalSocket(SignalCore core, Clock clock, int outboxLimit, String remote) {
        this.core = core;
        this.clock = clock;
        this.outboxLimit = outboxLimit;
        this.remote = remote;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        lastActivity = clock.millis();
        core.open(this);
    }

    @Override
    public void onWebSocketText(String message) {
        lastActivity = clock.millis();
        core.message(this, message);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        session.close(CloseCode.BINARY.code(), "binary frames are not accepted", Callback.NOOP);
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        lastActivity = clock.millis();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closed(statusCode);
        callback.succeed();
    }

    private void closed(int statusCode) {
        if (closed.compareAndSet(false, true)) {
            core.closed(this, statusCode);
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("signal connection from {} failed: {}", remote, cause.toString());
        if (session == null || !session.isOpen()) {
            closed(1006);
        }
    }

    @Override
    public boolean send(String frame) {
        if (closed.get()) {
            return true;
        }
        int chars = frame.length();
        long pendingChars = unwrittenChars.addAndGet(chars);
        if (unwritten.incrementAndGet() > outboxLimit || pendingChars > MAX_UNWRITTEN_CHARS) {
            written(chars);
            overflowed = true;
            return false;
        }
        session.sendText(frame, Callback.from(() -> written(chars), failure -> written(chars)));
        return true;
    }

    private void written(int chars) {
        unwritten.decrementAndGet();
        unwrittenChars.addAndGet(-chars);
    }

    @Override
    public void close(int code, String reason) {
        if (overflowed) {
            // the close frame would wait behind the full outbox of a client that does not read
            session.disconnect();
        } else {
            session.close(code, reason, Callback.NOOP);
        }
    }

    @Override
    public void abort() {
        session.disconnect();
    }

    @Override
    public void ping() {
        session.sendPing(EMPTY.duplicate(), Callback.NOOP);
    }

    @Override
    public long lastActivity() {
        return lastActivity;
    }

    @Override
    public String remoteAddress() {
        return remote;
    }
}
