package io.sitewatch.appliance.signal.msg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** {@code from} stamping: the relayed frame is the received one plus the sender, nothing else changed. */
class CodecStampTest {

    private final Codec codec = new Codec();

    private String stamp(String frame, String from) {
        Codec.Decoded.Ok ok = (Codec.Decoded.Ok) codec.decode(frame);
        return codec.stamp(ok, from);
    }

    @Test
    void splicesFromIntoTheFrameKeepingEveryOtherByte() {
        String frame = "{ \"type\" : \"offer\", \"to\":\"abc\", \"sdp\":\"v=0\\r\\na=x caf\\u00e9 1.50\" }  ";
        String out = stamp(frame, "Zb8Qe0Vx-_9");
        assertThat(out).isEqualTo("{\"from\":\"Zb8Qe0Vx-_9\", \"type\" : \"offer\", \"to\":\"abc\", "
                + "\"sdp\":\"v=0\\r\\na=x caf\\u00e9 1.50\" }  ");
    }

    @Test
    void stampedFrameIsTheReceivedObjectWithFrom() throws Exception {
        String frame = "{\"type\":\"candidate\",\"to\":\"abc\",\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 "
                + "192.0.2.1 5000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0},\"extra\":[1,2.5,null]}";
        JsonNode out = codec.mapper().readTree(stamp(frame, "sender"));
        ObjectNode expected = (ObjectNode) codec.mapper().readTree(frame);
        expected.put("from", "sender");
        assertThat(out).isEqualTo(expected);
    }

    @Test
    void aClientSentFromIsReplacedNotDuplicated() throws Exception {
        String out = stamp("{\"type\":\"bye\",\"to\":\"abc\",\"from\":\"forged\"}", "sender");
        // The codec's mapper rejects duplicate keys, so this also proves there is only one from.
        JsonNode node = codec.mapper().readTree(out);
        assertThat(node.get("from").asText()).isEqualTo("sender");
        assertThat(node.get("to").asText()).isEqualTo("abc");
    }

    @Test
    void anIdNeedingEscapesIsEncodedProperly() throws Exception {
        String out = stamp("{\"type\":\"bye\",\"to\":\"abc\"}", "we\"ird");
        assertThat(codec.mapper().readTree(out).get("from").asText()).isEqualTo("we\"ird");
    }
}
