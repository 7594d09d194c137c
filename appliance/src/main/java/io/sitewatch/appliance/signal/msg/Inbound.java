package io.sitewatch.appliance.signal.msg;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonSubTypes.Type;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * Every message a client may send (protocol.md). Unknown fields are ignored so that
 * additive protocol changes never break an older server; a missing or mistyped field
 * fails decoding and is answered with {@code bad-message}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @Type(value = Inbound.Hello.class, name = "hello"),
    @Type(value = Inbound.Ping.class, name = "ping"),
    @Type(value = Inbound.Offer.class, name = "offer"),
    @Type(value = Inbound.Answer.class, name = "answer"),
    @Type(value = Inbound.Candidate.class, name = "candidate"),
    @Type(value = Inbound.Bye.class, name = "bye"),
    @Type(value = Inbound.Watch.class, name = "watch"),
    @Type(value = Inbound.Unwatch.class, name = "unwatch"),
    @Type(value = Inbound.Claim.class, name = "claim"),
    @Type(value = Inbound.Release.class, name = "release"),
    @Type(value = Inbound.JoinRoom.class, name = "join-room"),
    @Type(value = Inbound.LeaveRoom.class, name = "leave-room"),
    @Type(value = Inbound.Status.class, name = "status"),
})
public sealed interface Inbound {

    /** A message relayed to another session with {@code from} stamped (protocol.md, Addressing and relay). */
    sealed interface Relayed extends Inbound permits Offer, Answer, Candidate, Bye {
        String to();
    }

    record Hello(@JsonProperty(required = true) String token, String client, String resume) implements Inbound {
        public Hello {
            require(token, "token");
        }
    }

    record Ping() implements Inbound {}

    record Offer(@JsonProperty(required = true) String to, @JsonProperty(required = true) String sdp) implements Relayed {
        public Offer {
            require(to, "to");
            require(sdp, "sdp");
        }
    }

    record Answer(@JsonProperty(required = true) String to, @JsonProperty(required = true) String sdp) implements Relayed {
        public Answer {
            require(to, "to");
            require(sdp, "sdp");
        }
    }

    /** {@code candidate} may be null (end of candidates) but must be present. */
    record Candidate(@JsonProperty(required = true) String to, @JsonProperty(required = true) JsonNode candidate)
            implements Relayed {
        public Candidate {
            require(to, "to");
        }
    }

    record Bye(@JsonProperty(required = true) String to) implements Relayed {
        public Bye {
            require(to, "to");
        }
    }

    record Watch(@JsonProperty(required = true) List<String> sites) implements Inbound {
        public Watch {
            sites = requireIds(sites);
        }
    }

    record Unwatch(@JsonProperty(required = true) List<String> sites) implements Inbound {
        public Unwatch {
            sites = requireIds(sites);
        }
    }

    record Claim(@JsonProperty(required = true) String site) implements Inbound {
        public Claim {
            require(site, "site");
        }
    }

    record Release(@JsonProperty(required = true) String site) implements Inbound {
        public Release {
            require(site, "site");
        }
    }

    record JoinRoom(@JsonProperty(required = true) String room) implements Inbound {
        public JoinRoom {
            require(room, "room");
        }
    }

    record LeaveRoom(@JsonProperty(required = true) String room) implements Inbound {
        public LeaveRoom {
            require(room, "room");
        }
    }

    record Status(@JsonProperty(required = true) String peer, @JsonProperty(required = true) String state, ObjectNode stats)
            implements Inbound {
        public Status {
            require(peer, "peer");
            require(state, "state");
        }
    }

    private static void require(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("field '" + field + "' must be a non-empty string");
        }
    }

    private static List<String> requireIds(List<String> ids) {
        Objects.requireNonNull(ids, "field 'sites' must be an array of strings");
        for (String id : ids) {
            require(id, "sites[]");
        }
        return List.copyOf(ids);
    }
}
