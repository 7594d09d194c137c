package io.sitewatch.appliance.signal.msg;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonSubTypes.Type;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Every message the server originates (protocol.md). Relayed messages are forwarded as received. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @Type(value = Outbound.Welcome.class, name = "welcome"),
    @Type(value = Outbound.Pong.class, name = "pong"),
    @Type(value = Outbound.Error.class, name = "error"),
    @Type(value = Outbound.Watcher.class, name = "watcher"),
    @Type(value = Outbound.Control.class, name = "control"),
    @Type(value = Outbound.Room.class, name = "room"),
    @Type(value = Outbound.RoomEvent.class, name = "room-event"),
    @Type(value = Outbound.Presence.class, name = "presence"),
})
public sealed interface Outbound {

    /** {@code tiers} is an additive field for sites: the video presets per connection (docs/protocol.md). */
    record Welcome(String sessionId, String resumeToken, String role, String id, List<JsonNode> iceServers,
                   long heartbeatMs, List<PeerEntry> peers, List<String> features,
                   @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode tiers,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String standby) implements Outbound {}

    record Pong() implements Outbound {}

    record Error(String code, String message, @JsonInclude(JsonInclude.Include.NON_NULL) String ref)
            implements Outbound {}

    record Watcher(String event, PeerEntry peer) implements Outbound {}

    /** {@code primary} is serialized as an explicit null when nobody holds the site. */
    record Control(String site, String primary) implements Outbound {}

    record Room(String room, List<PeerEntry> members) implements Outbound {}

    record RoomEvent(String room, String event, PeerEntry peer) implements Outbound {}

    record Presence(String event, PeerEntry peer) implements Outbound {}

    /** A presence entry: who a session is, and the last status it reported. */
    record PeerEntry(String sessionId, String role, String id, String name,
                     @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode state) {}
}
