package io.sitewatch.appliance.signal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The ICE servers a new session gets in {@code welcome}; TURN REST credentials are minted per session. */
public interface IceServers {

    List<JsonNode> forSession(Identity identity);

    IceServers NONE = identity -> List.of();
}
