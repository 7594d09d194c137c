package io.sitewatch.appliance.signal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** A connection that records what the core sends, with a bounded outbox like the real transport. */
final class FakeLink implements Link {

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> received = new ArrayList<>();
    final ManualClock clock;
    int outboxCapacity = Integer.MAX_VALUE;
    int closeCode;
    String closeReason;
    boolean aborted;
    int pings;
    long lastActivity;
    /** When set, the types of the frames sent while a thread held this monitor (the core's, to check lock-free paths). */
    Object watchedMonitor;
    final List<String> sentHoldingMonitor = new ArrayList<>();
    /** Called with each message as it is sent (to check what another link held at that moment). */
    java.util.function.Consumer<JsonNode> onSend = message -> { };
    private int consumed;

    FakeLink(ManualClock clock) {
        this.clock = clock;
        this.lastActivity = clock.millis();
    }

    @Override
    public boolean send(String frame) {
        if (received.size() - consumed >= outboxCapacity) {
            return false;
        }
        try {
            JsonNode message = JSON.readTree(frame);
            if (watchedMonitor != null && Thread.holdsLock(watchedMonitor)) {
                sentHoldingMonitor.add(message.path("type").asText());
            }
            received.add(message);
            onSend.accept(message);
        } catch (Exception e) {
            throw new AssertionError("core sent invalid JSON: " + frame, e);
        }
        return true;
    }

    @Override
    public void close(int code, String reason) {
        if (closeCode == 0) {
            closeCode = code;
            closeReason = reason;
        }
    }

    @Override
    public void abort() {
        aborted = true;
    }

    @Override
    public void ping() {
        pings++;
    }

    @Override
    public long lastActivity() {
        return lastActivity;
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1:1";
    }

    boolean open() {
        return closeCode == 0 && !aborted;
    }

    /** Messages received since the last call. */
    List<JsonNode> drain() {
        List<JsonNode> fresh = List.copyOf(received.subList(consumed, received.size()));
        consumed = received.size();
        return fresh;
    }

    /** Messages of one type received since the last drain, consuming everything. */
    List<JsonNode> drain(String type) {
        return drain().stream().filter(m -> type.equals(m.path("type").asText())).toList();
    }

    JsonNode last(String type) {
        for (int i = received.size() - 1; i >= 0; i--) {
            if (type.equals(received.get(i).path("type").asText())) {
                return received.get(i);
            }
        }
        throw new AssertionError("no " + type + " in " + received);
    }

    List<JsonNode> all(String type) {
        return received.stream().filter(m -> type.equals(m.path("type").asText())).toList();
    }

    void activity() {
        lastActivity = clock.millis();
    }

    @Override
    public String toString() {
        return "FakeLink" + new ArrayList<>(received);
    }
}
