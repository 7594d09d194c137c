package io.sitewatch.bench.abc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.sitewatch.cli.loadtest.Dialect;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The PeerJS server protocol (peer 1.0.x): the client picks its id and connects to
 * {@code /peerjs?key=peerjs&id=ID&token=T}; the server answers {@code OPEN}; a relay is
 * {@code {type:"CANDIDATE",dst,payload}} and arrives with {@code src} set. The payload has the
 * shape the PeerJS client sends for a media connection's candidate.
 */
public final class PeerJsDialect implements Dialect {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonStringEncoder ESCAPE = JsonStringEncoder.getInstance();

    @Override
    public URI endpoint(URI base, Identity who) {
        return base.resolve("/peerjs?key=peerjs&id=" + URLEncoder.encode(who.name(), StandardCharsets.UTF_8)
                + "&token=" + URLEncoder.encode(who.credential(), StandardCharsets.UTF_8));
    }

    @Override
    public Optional<String> hello(Identity who) {
        return Optional.empty();
    }

    @Override
    public String relay(String address, String probe) {
        return "{\"type\":\"CANDIDATE\",\"dst\":" + quote(address) + ",\"payload\":{\"candidate\":{\"candidate\":"
                + quote(probe) + ",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"Qx1fK9\"},"
                + "\"type\":\"media\",\"connectionId\":\"mc_bench\"}}";
    }

    /** {@code OPEN} is ready (the address is the id the client chose), {@code CANDIDATE} a relay, errors fail. */
    @Override
    public Event read(String frame) {
        String type = null;
        String src = null;
        String line = null;
        String message = null;
        try (JsonParser p = FACTORY.createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Event.Other("?", frame);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("payload") && value == JsonToken.START_OBJECT) {
                    String[] found = payload(p);
                    line = found[0];
                    message = found[1];
                } else if (value.isStructStart()) {
                    p.skipChildren();
                } else if (field.equals("type")) {
                    type = p.getText();
                } else if (field.equals("src")) {
                    src = p.getText();
                }
            }
        } catch (IOException e) {
            return new Event.Other("?", frame);
        }
        if (type == null) {
            return new Event.Other("?", frame);
        }
        return switch (type) {
            case "OPEN" -> new Event.Ready(null);
            case "CANDIDATE" -> new Event.Relayed(src, line);
            case "ERROR", "ID-TAKEN" -> new Event.Failed(message == null ? type : type + ": " + message);
            default -> new Event.Other(type, null);
        };
    }

    /** The candidate line of a CANDIDATE payload, and the {@code msg} of an ERROR payload. */
    private static String[] payload(JsonParser p) throws IOException {
        String[] found = new String[2];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("candidate") && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String inner = p.currentName();
                    JsonToken v = p.nextToken();
                    if (v.isStructStart()) {
                        p.skipChildren();
                    } else if (inner.equals("candidate")) {
                        found[0] = p.getText();
                    }
                }
            } else if (value.isStructStart()) {
                p.skipChildren();
            } else if (field.equals("msg")) {
                found[1] = p.getText();
            }
        }
        return found;
    }

    private static String quote(String text) {
        return '"' + new String(ESCAPE.quoteAsString(text)) + '"';
    }
}
