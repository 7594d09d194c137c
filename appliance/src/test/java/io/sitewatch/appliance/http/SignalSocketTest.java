package io.sitewatch.appliance.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.signal.ClientSettings;
import io.sitewatch.appliance.signal.Identity;
import io.sitewatch.appliance.signal.SessionJournal;
import io.sitewatch.appliance.signal.SignalCore;
import io.sitewatch.appliance.signal.SignalObserver;
import io.sitewatch.appliance.signal.SignalSettings;
import io.sitewatch.appliance.signal.SiteDirectory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter between Jetty's WebSocket core and the signaling core, on a recording session. */
class SignalSocketTest {

    private static final String SITE_TOKEN = "site-token";

    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final RecordingSession session = new RecordingSession();
    private SignalSocket socket;

    @BeforeEach
    void open() {
        Identity site = Identity.site("s1", "Site 1", "cred-s1", "default");
        SignalCore core = new SignalCore(SignalSettings.defaults(),
                token -> SITE_TOKEN.equals(token) ? Optional.of(site) : Optional.empty(),
                id -> Optional.of(new SiteDirectory.SiteInfo(id, "Site 1", "default", true)), SessionJournal.NONE,
                ClientSettings.NONE, SignalObserver.NONE, clock);
        socket = new SignalSocket(core, clock, 16, "127.0.0.1:1");
        WebServer.configure(session, 10_000);
        socket.onOpen(session, Callback.NOOP);
    }

    @Test
    void theLimitsOfSignalConnectionsAreApplied() {
        Configuration config = new Configuration.ConfigurationCustomizer();
        WebServer.configure(config, 10_000);
        assertThat(config.getMaxTextMessageSize()).isEqualTo(WebServer.MAX_MESSAGE_BYTES);
        assertThat(config.getMaxBinaryMessageSize()).isEqualTo(WebServer.MAX_MESSAGE_BYTES);
        assertThat(config.getIdleTimeout()).isEqualTo(Duration.ofSeconds(35));
    }

    @Test
    void aTextMessageInFragmentsReachesTheCoreWhole() {
        String hello = "{\"type\":\"hello\",\"token\":\"" + SITE_TOKEN + "\"}";
        assertThat(session.demands).isEqualTo(1);
        frame(new Frame(OpCode.TEXT, false, hello.substring(0, 10)));
        frame(new Frame(OpCode.CONTINUATION, true, hello.substring(10)));
        assertThat(session.texts()).first().satisfies(t -> assertThat(t).contains("\"type\":\"welcome\""));
        assertThat(session.demands).as("one demand after open, one per frame").isEqualTo(3);
    }

    @Test
    void aTextMessageInOneFrameReachesTheCore() {
        assertThat(frame(new Frame(OpCode.TEXT, true, "{\"type\":\"hello\",\"token\":\"" + SITE_TOKEN + "\"}")))
                .isNull();
        assertThat(session.texts()).first().satisfies(t -> assertThat(t).contains("\"type\":\"welcome\""));
        assertThat(session.demands).isEqualTo(2);
    }

    @Test
    void invalidUtf8FailsTheFrameWholeOrInFragments() {
        byte[] invalid = {'{', (byte) 0xC3, '}'};
        assertThat(frame(new Frame(OpCode.TEXT, true, ByteBuffer.wrap(invalid)))).isInstanceOf(BadPayloadException.class);
        assertThat(frame(new Frame(OpCode.TEXT, false, ByteBuffer.wrap(invalid, 0, 2)))).isNull();
        assertThat(frame(new Frame(OpCode.CONTINUATION, true, ByteBuffer.wrap(invalid, 2, 1))))
                .isInstanceOf(BadPayloadException.class);
    }

    @Test
    void textOverTheLimitFailsAsTooLargeWholeOrInFragments() {
        String half = "x".repeat(WebServer.MAX_MESSAGE_BYTES / 2 + 1);
        assertThat(frame(new Frame(OpCode.TEXT, true, half + half))).isInstanceOf(MessageTooLargeException.class);
        assertThat(frame(new Frame(OpCode.TEXT, false, half))).isNull();
        assertThat(frame(new Frame(OpCode.CONTINUATION, true, half))).isInstanceOf(MessageTooLargeException.class);
    }

    @Test
    void binaryMessagesCloseWith1003OnceWhole() {
        assertThat(frame(new Frame(OpCode.BINARY, false, ByteBuffer.wrap(new byte[] {1})))).isNull();
        assertThat(session.closeCode).isZero();
        assertThat(frame(new Frame(OpCode.CONTINUATION, true, ByteBuffer.wrap(new byte[] {2})))).isNull();
        assertThat(session.closeCode).isEqualTo(1003);
    }

    @Test
    void binaryMessagesOverTheLimitFailAsTooLarge() {
        ByteBuffer big = ByteBuffer.allocate(WebServer.MAX_MESSAGE_BYTES / 2 + 1);
        assertThat(frame(new Frame(OpCode.BINARY, false, big.duplicate()))).isNull();
        assertThat(frame(new Frame(OpCode.CONTINUATION, true, big.duplicate())))
                .isInstanceOf(MessageTooLargeException.class);
    }

    @Test
    void aPingIsAnsweredWithItsPayload() {
        frame(new Frame(OpCode.PING, true, "p"));
        assertThat(session.sent).singleElement().satisfies(f -> {
            assertThat(f.getOpCode()).isEqualTo(OpCode.PONG);
            assertThat(f.getPayloadAsUTF8()).isEqualTo("p");
        });
    }

    @Test
    void aCloseFrameEndsTheLinkAndNothingIsSentAfter() {
        assertThat(frame(CloseStatus.toFrame(1000, "bye"))).isNull();
        assertThat(socket.send("{\"type\":\"late\"}")).isTrue();
        assertThat(session.sent).isEmpty();
    }

    @Test
    void aFullOutboxRefusesAndTheCloseThenAborts() {
        session.completeWrites = false;
        for (int i = 0; i < 16; i++) {
            assertThat(socket.send("{}")).as("frame %d", i).isTrue();
        }
        assertThat(socket.send("{}")).isFalse();
        socket.close(4008, "too slow");
        assertThat(session.aborted).isTrue();
        assertThat(session.closeCode).isZero();
    }

    @Test
    void writtenFramesLeaveTheOutbox() {
        for (int i = 0; i < 100; i++) {
            assertThat(socket.send("{}")).as("frame %d", i).isTrue();
        }
        socket.close(1000, "bye");
        assertThat(session.closeCode).isEqualTo(1000);
    }

    /** Delivers one frame; returns how it failed, or null when it succeeded. */
    private Throwable frame(Frame frame) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> done = new AtomicReference<>(false);
        socket.onFrame(frame, Callback.from(() -> done.set(true), x -> {
            failure.set(x);
            done.set(true);
        }));
        assertThat(done.get()).as("the frame's callback completed").isTrue();
        return failure.get();
    }

    /** A core session that records what the socket sends and asks for. */
    private static final class RecordingSession extends CoreSession.Empty {
        final List<Frame> sent = new ArrayList<>();
        int demands;
        int closeCode;
        boolean aborted;
        boolean completeWrites = true;

        @Override
        public void sendFrame(OutgoingEntry entry) {
            sent.add(entry.getFrame());
            if (completeWrites) {
                entry.getCallback().succeeded();
            }
        }

        @Override
        public void demand() {
            demands++;
        }

        @Override
        public void close(int statusCode, String reason, Callback callback) {
            closeCode = statusCode;
            callback.succeeded();
        }

        @Override
        public void abort() {
            aborted = true;
        }

        List<String> texts() {
            return sent.stream().filter(f -> f.getOpCode() == OpCode.TEXT)
                    .map(f -> StandardCharsets.UTF_8.decode(f.getPayload().duplicate()).toString()).toList();
        }
    }
}
