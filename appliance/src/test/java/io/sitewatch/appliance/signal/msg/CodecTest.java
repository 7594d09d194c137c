package io.sitewatch.appliance.signal.msg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.signal.msg.Codec.Decoded;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding limits and relaying as written (protocol.md, Addressing and relay; Clarifications, Limits). */
class CodecTest {

    final Codec codec = new Codec();

    Decoded.Ok ok(String frame) {
        Decoded decoded = codec.decode(frame);
        assertThat(decoded).as(frame).isInstanceOf(Decoded.Ok.class);
        return (Decoded.Ok) decoded;
    }

    void badWithoutRef(String frame) {
        assertThat(codec.decode(frame)).as(frame).isInstanceOfSatisfying(Decoded.Bad.class, bad -> {
            assertThat(bad.code()).isEqualTo(ErrorCode.BAD_MESSAGE);
            assertThat(bad.ref()).isNull();
        });
    }

    @Test
    void contentAfterTheObjectIsABadMessage() {
        for (String frame : List.of("{\"type\":\"ping\"} x", "{\"type\":\"ping\"}{\"type\":\"ping\"}",
                "{\"type\":\"ping\"}]", "{\"type\":\"ping\"} 1")) {
            badWithoutRef(frame);
        }
        ok(" {\"type\":\"ping\"}\r\n ");
    }

    @Test
    void loneSurrogatesAnywhereAreABadMessageButPairsAreFine() {
        for (String frame : List.of("{\"type\":\"offer\",\"to\":\"\\ud800\",\"sdp\":\"x\"}",
                "{\"type\":\"join-room\",\"room\":\"a\\udc00b\"}", "{\"type\":\"ping\",\"x\":[{\"y\":\"\\ud83d\"}]}",
                "{\"type\":\"ping\",\"\\udfff\":1}", "{\"type\":\"\\ud800\"}")) {
            badWithoutRef(frame);
        }
        ok("{\"type\":\"join-room\",\"room\":\"\\ud83d\\ude00 \uD83D\uDE00\"}");
    }

    @Test
    void nestingIsLimitedTo32Levels() {
        ok("{\"type\":\"ping\",\"x\":" + "[".repeat(31) + "]".repeat(31) + "}");
        badWithoutRef("{\"type\":\"ping\",\"x\":" + "[".repeat(32) + "]".repeat(32) + "}");
    }

    @Test
    void numbersOfOver1000DigitsAndNamesOfOver50000CharactersAreNotJson() {
        ok("{\"type\":\"ping\",\"x\":-1" + "0".repeat(999) + ",\"y\":1." + "0".repeat(999) + "}");
        badWithoutRef("{\"type\":\"ping\",\"x\":1" + "0".repeat(1000) + "}");
        badWithoutRef("{\"type\":\"ping\",\"x\":1." + "0".repeat(1000) + "}");
        ok("{\"type\":\"ping\",\"x\":-0." + "0".repeat(1000) + "}");
        badWithoutRef("{\"type\":\"ping\",\"x\":1." + "0".repeat(998) + "e10}");
        ok("{\"type\":\"ping\",\"" + "k".repeat(50_000) + "\":1}");
        badWithoutRef("{\"type\":\"ping\",\"" + "k".repeat(50_001) + "\":1}");
    }

    @Test
    void stampAddsFromAndKeepsEverythingElseAsWritten() throws Exception {
        String frame = " {\"type\":\"candidate\", \"to\":\"b\",\"candidate\":{\"n\":1e400,\"m\":1.10,\"k\":-0,"
                + "\"s\":\"\\u0041\\/\\ud83d\\ude00\"}}";
        String stamped = codec.stamp(ok(frame), "me");
        assertThat(stamped).isEqualTo(" {\"from\":\"me\",\"type\":\"candidate\", \"to\":\"b\",\"candidate\":{\"n\":1e400,"
                + "\"m\":1.10,\"k\":-0,\"s\":\"\\u0041\\/\\ud83d\\ude00\"}}");
        assertThat(codec.decode(stamped)).isInstanceOf(Decoded.Ok.class);
    }

    @Test
    void stampOverwritesAForgedFromOfAnyShapeInPlace() throws Exception {
        for (String forged : List.of("\"x\"", "1e400", "{\"a\":[1,{\"from\":2}]}", "null", "[\"me\"]", "\"\\u0041\"")) {
            String frame = "{\"type\":\"bye\",\"from\": " + forged + " ,\"to\":\"b\",\"x\":1.50}";
            String stamped = codec.stamp(ok(frame), "me");
            assertThat(stamped).as(forged).isEqualTo("{\"type\":\"bye\",\"from\": \"me\" ,\"to\":\"b\",\"x\":1.50}");
        }
        String escapedName = "{\"type\":\"bye\",\"to\":\"b\",\"\\u0066rom\":\"x\"}";
        JsonNode stamped = codec.mapper().readTree(codec.stamp(ok(escapedName), "me"));
        assertThat(stamped.get("from").asText()).isEqualTo("me");
        assertThat(stamped.size()).isEqualTo(3);
    }
}
