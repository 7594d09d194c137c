package io.sitewatch.cli.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class SitewatchDialectTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SitewatchDialect dialect = new SitewatchDialect();

    @Test
    void helloCarriesTheToken() throws Exception {
        JsonNode hello = JSON.readTree(dialect.hello(new Dialect.Identity("s1", "sAbc.def\"")).orElseThrow());

        assertThat(hello.path("type").asText()).isEqualTo("hello");
        assertThat(hello.path("token").asText()).isEqualTo("sAbc.def\"");
        assertThat(dialect.endpoint(URI.create("ws://127.0.0.1:8080"), null))
                .isEqualTo(URI.create("ws://127.0.0.1:8080/signal"));
    }

    @Test
    void welcomeMakesTheSessionReadyAtItsSessionId() {
        String welcome = "{\"type\":\"welcome\",\"sessionId\":\"S-1\",\"resumeToken\":\"r\",\"role\":\"site\","
                + "\"id\":\"s1\",\"iceServers\":[{\"urls\":[\"stun:x\"]}],\"heartbeatMs\":15000,"
                + "\"peers\":[{\"sessionId\":\"S-9\",\"role\":\"operator\",\"id\":\"ana\",\"state\":{\"a\":1}}],"
                + "\"features\":[\"resume\"]}";

        assertThat(dialect.read(welcome)).isEqualTo(new Dialect.Event.Ready("S-1"));
    }

    @Test
    void aRelayedCandidateAsTheServerStampsItGivesSenderAndProbe() throws Exception {
        Probe probe = new Probe(7, 123);
        ObjectNode relayed = (ObjectNode) JSON.readTree(dialect.relay("S-2", probe.text()));
        assertThat(relayed.path("to").asText()).isEqualTo("S-2");
        assertThat(dialect.relay("S-2", probe.text()).length()).isBetween(200, 300);
        relayed.put("from", "S-1"); // as the server forwards it: the object unchanged, plus from

        Dialect.Event event = dialect.read(JSON.writeValueAsString(relayed));

        assertThat(event).isEqualTo(new Dialect.Event.Relayed("S-1", probe.text()));
        assertThat(Probe.parse(((Dialect.Event.Relayed) event).probe())).isEqualTo(probe);
    }

    @Test
    void errorsGiveTheirCodeAndOtherFramesTheirTypeAndDetail() {
        assertThat(dialect.read("{\"type\":\"error\",\"code\":\"rate-limited\",\"ref\":\"candidate\"}"))
                .isEqualTo(new Dialect.Event.Failed("rate-limited"));
        assertThat(dialect.read("{\"type\":\"control\",\"site\":\"s1\",\"primary\":null}"))
                .isEqualTo(new Dialect.Event.Other("control", "s1"));
        assertThat(dialect.read("{\"type\":\"room\",\"room\":\"r1\",\"members\":[]}"))
                .isEqualTo(new Dialect.Event.Other("room", "r1"));
        assertThat(dialect.read("not json")).isEqualTo(new Dialect.Event.Other("?", "not json"));
        assertThat(dialect.read("[1]")).isEqualTo(new Dialect.Event.Other("?", "[1]"));
    }

    @Test
    void watchClaimAndJoinRoomAreProtocolFrames() throws Exception {
        assertThat(JSON.readTree(dialect.watch(List.of("a", "b")))).isEqualTo(JSON.readTree(
                "{\"type\":\"watch\",\"sites\":[\"a\",\"b\"]}"));
        assertThat(JSON.readTree(dialect.claim("a"))).isEqualTo(JSON.readTree("{\"type\":\"claim\",\"site\":\"a\"}"));
        assertThat(JSON.readTree(dialect.joinRoom("r"))).isEqualTo(JSON.readTree(
                "{\"type\":\"join-room\",\"room\":\"r\"}"));
    }
}
