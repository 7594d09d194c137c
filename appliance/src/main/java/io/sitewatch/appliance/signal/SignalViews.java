package io.sitewatch.appliance.signal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Read-only snapshots of the signaling state, for the admin API. */
public final class SignalViews {

    private SignalViews() {}

    public record SessionView(String sessionId, String role, String id, String name, String remote, long since,
                              boolean connected, List<String> watching, List<String> rooms, String primaryOf,
                              JsonNode lastStatus) {}

    public record LinkView(String from, String fromId, String to, String toId, String state, JsonNode stats,
                           long at) {}

    public record ControlView(String site, String primary, String operator) {}

    /**
     * @param scope   the groups whose operators share this room ({@code *}: shared by all)
     * @param members session ids; {@code names} the members' names, in the same order
     */
    public record RoomView(String room, String scope, int capacity, List<String> members, List<String> names) {}
}
