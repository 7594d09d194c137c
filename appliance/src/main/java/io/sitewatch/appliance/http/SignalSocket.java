package io.sitewatch.appliance.http;

import io.sitewatch.appliance.signal.Link;
import io.sitewatch.appliance.signal.SignalCore;
import io.sitewatch.appliance.signal.msg.CloseCode;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;
import org.eclipse.jetty.websocket.core.messages.StringMessageSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty side of one {@code /signal} connection: moves frames between the socket and the
 * core and nothing else. Outgoing frames are handed to Jetty's flusher at once; the frames and
 * characters not yet written are bounded, and a full outbox tells the core the client is too slow.
 *
 * <p>A frame handler of Jetty's WebSocket core, not an endpoint of Jetty's WebSocket API: the API
 * keeps a copy of the upgrade request for each session's life whose header fields still reference the
 * HTTP/1 connection that carried the upgrade (parser, channel, request and response), about 4 KiB
 * per idle session (bench/run, idle phase). Here nothing of the upgrade outlives the handshake.
 */
public final class SignalSocket implements FrameHandler, Link {

    private static final Logger LOG = LoggerFactory.getLogger(SignalSocket.class);
    /** Unwritten text a client may hold up: 64 frames of the largest size (protocol.md, Transport). */
    static final long MAX_UNWRITTEN_CHARS = 64 * 64 * 1024;
    private static final AtomicIntegerFieldUpdater<SignalSocket> UNWRITTEN =
            AtomicIntegerFieldUpdater.newUpdater(SignalSocket.class, "unwritten");
    private static final AtomicLongFieldUpdater<SignalSocket> UNWRITTEN_CHARS =
            AtomicLongFieldUpdater.newUpdater(SignalSocket.class, "unwrittenChars");
    private static final AtomicIntegerFieldUpdater<SignalSocket> CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(SignalSocket.class, "closed");

    private final SignalCore core;
    private final Clock clock;
    private final int outboxLimit;
    private final String remote;
    // Counters as fields with updaters rather than atomic objects: thousands of idle sockets, 3 objects less each.
    private volatile int unwritten;
    private volatile long unwrittenChars;
    private volatile int closed;
    private volatile boolean overflowed;
    private volatile CoreSession session;
    private volatile long lastActivity;
    /** Assembles a text message from its frames (size limit, UTF-8); holds nothing between messages. */
    private StringMessageSink text;
    /** The data frame being continued: text, binary, or none. */
    private byte continuing = OpCode.UNDEFINED;
    private long binaryBytes;

    SignalSocket(SignalCore core, Clock clock, int outboxLimit, String remote) {
        this.core = core;
        this.clock = clock;
        this.outboxLimit = outboxLimit;
        this.remote = remote;
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        this.session = coreSession;
        this.text = new StringMessageSink(coreSession, args -> {
            onText((String) args[0]);
            return null;
        }, true);
        lastActivity = clock.millis();
        core.open(this);
        callback.succeeded();
        coreSession.demand();
    }

    private void onText(String message) {
        lastActivity = clock.millis();
        core.message(this, message);
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        byte opCode = frame.getOpCode();
        if (opCode == OpCode.TEXT || opCode == OpCode.BINARY) {
            continuing = opCode;
        }
        switch (opCode) {
            case OpCode.TEXT, OpCode.BINARY, OpCode.CONTINUATION -> data(frame, callback);
            case OpCode.PING -> session.sendFrame(new Frame(OpCode.PONG).setPayload(frame.getPayload()),
                    Callback.from(() -> {
                        callback.succeeded();
                        session.demand();
                    }, failure -> {
                        // the output may be closed already: a ping then needs no answer
                        callback.succeeded();
                        session.demand();
                    }), false);
            case OpCode.PONG -> {
                lastActivity = clock.millis();
                callback.succeeded();
                session.demand();
            }
            case OpCode.CLOSE -> {
                closed(CloseStatus.getCloseStatus(frame).getCode());
                callback.succeeded();
            }
            default -> callback.failed(new IllegalStateException("unexpected frame " + OpCode.name(opCode)));
        }
    }

    private void data(Frame frame, Callback callback) {
        byte type = continuing;
        if (frame.isFin()) {
            continuing = OpCode.UNDEFINED;
        }
        if (type == OpCode.TEXT) {
            if (frame.getOpCode() == OpCode.TEXT && frame.isFin()) {
                whole(frame, callback);
            } else {
                text.accept(frame, callback); // demands the next frame itself
            }
            return;
        }
        // Binary messages are refused once whole (1003), or at the size limit as text is (1009).
        binaryBytes += frame.getPayloadLength();
        if (binaryBytes > session.getMaxBinaryMessageSize()) {
            binaryBytes = 0;
            callback.failed(new MessageTooLargeException("binary message larger than "
                    + session.getMaxBinaryMessageSize() + " bytes"));
        } else if (frame.isFin()) {
            binaryBytes = 0;
            callback.succeeded();
            session.close(CloseCode.BINARY.code(), "binary frames are not accepted", Callback.NOOP);
        } else {
            callback.succeeded();
            session.demand();
        }
    }

    /**
     * A text message in one frame, as nearly all are: decoded into a string of its own size. The frame
     * sink's builder starts at the input buffer size (4 KiB) for every message, garbage a relay need not make.
     */
    private void whole(Frame frame, Callback callback) {
        try {
            int size = frame.getPayloadLength();
            if (size > session.getMaxTextMessageSize()) {
                callback.failed(new MessageTooLargeException("text message larger than "
                        + session.getMaxTextMessageSize() + " bytes"));
                return;
            }
            Utf8StringBuilder utf8 = new Utf8StringBuilder(size);
            if (frame.hasPayload()) {
                utf8.append(frame.getPayload());
            }
            onText(utf8.takeCompleteString(BadPayloadException.InvalidUtf8::new));
            callback.succeeded();
            session.demand();
        } catch (Throwable failure) {
            callback.failed(failure);
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        LOG.debug("signal connection from {} failed: {}", remote, cause.toString());
        CoreSession s = session;
        if (s == null || !s.isOutputOpen()) {
            closed(1006);
        }
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        closed(closeStatus.getCode());
        callback.succeeded();
    }

    private void closed(int statusCode) {
        if (CLOSED.compareAndSet(this, 0, 1)) {
            core.closed(this, statusCode);
        }
    }

    @Override
    public boolean send(String frame) {
        if (closed != 0) {
            return true;
        }
        int chars = frame.length();
        long pendingChars = UNWRITTEN_CHARS.addAndGet(this, chars);
        if (UNWRITTEN.incrementAndGet(this) > outboxLimit || pendingChars > MAX_UNWRITTEN_CHARS) {
            written(chars);
            overflowed = true;
            return false;
        }
        Runnable written = () -> written(chars);
        session.sendFrame(new Frame(OpCode.TEXT).setPayload(frame), Callback.from(written, failure -> written.run()),
                false);
        return true;
    }

    private void written(int chars) {
        UNWRITTEN.decrementAndGet(this);
        UNWRITTEN_CHARS.addAndGet(this, -chars);
    }

    @Override
    public void close(int code, String reason) {
        if (overflowed) {
            // the close frame would wait behind the full outbox of a client that does not read
            session.abort();
        } else {
            session.close(code, reason, Callback.NOOP);
        }
    }

    @Override
    public void abort() {
        session.abort();
    }

    @Override
    public void ping() {
        session.sendFrame(new Frame(OpCode.PING), Callback.NOOP, false);
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
