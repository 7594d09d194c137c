package io.sitewatch.appliance.signal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Settings handed to a new session in {@code welcome}: ICE servers, and for sites the tier presets. */
public interface ClientSettings {

    /** The {@code iceServers}; TURN REST credentials are minted per session. */
    List<JsonNode> iceServers(Identity identity);

    /** The {@code tiers} presets a site applies per connection, or null for sessions that send no media. */
    JsonNode tiers(Identity identity);

    /** Where clients may go when this appliance is lost (a standby's signaling URL), or null. */
    default String standby() {
        return null;
    }

    ClientSettings NONE = new ClientSettings() {
        @Override
        public List<JsonNode> iceServers(Identity identity) {
            return List.of();
        }

        @Override
        public JsonNode tiers(Identity identity) {
            return null;
        }
    };
}
