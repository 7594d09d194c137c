package io.sitewatch.cli.loadtest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * sitewatch's signaling protocol (docs/protocol.md): {@code hello} with a token, {@code welcome} with the
 * sessionId, relays addressed by {@code to} and stamped with {@code from} by the server. Incoming frames are
 * read with a streaming parser that keeps only the fields the generator needs.
 */
public final class SitewatchDialect implements Dialect {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonStringEncoder ESCAPE = JsonStringEncoder.getInstance();

    @Override
    public URI endpoint(URI base, Identity who) {
        return base.resolve("/signal");
    }

    @Override
    public Optional<String> hello(Identity who) {
        return Optional.of("{\"type\":\"hello\",\"token\":" + quote(who.credential())
                + ",\"client\":\"sitewatch-loadtest\"}");
    }

    @Override
    public String relay(String address, String probe) {
        return "{\"type\":\"candidate\",\"to\":" + quote(address) + ",\"candidate\":{\"candidate\":" + quote(probe)
                + ",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"Qx1fK9\"}}";
    }

    /** {@code watch}: an operator's watch set (protocol.md, Watching and control). */
    public String watch(List<String> sites) {
        StringBuilder frame = new StringBuilder("{\"type\":\"watch\",\"sites\":[");
        for (int i = 0; i < sites.size(); i++) {
            frame.append(i == 0 ? "" : ",").append(quote(sites.get(i)));
        }
        return frame.append("]}").toString();
    }

    /** {@code claim}: an operator takes control of a site it watches. */
    public String claim(String site) {
        return "{\"type\":\"claim\",\"site\":" + quote(site) + "}";
    }

    /** {@code join-room}: an operator joins a voice room (protocol.md, Voice rooms). */
    public String joinRoom(String room) {
        return "{\"type\":\"join-room\",\"room\":" + quote(room) + "}";
    }

    /**
     * {@code welcome} is {@link Event.Ready}, {@code candidate} {@link Event.Relayed}, {@code error}
     * {@link Event.Failed}; anything else is {@link Event.Other} whose detail is the {@code site} of a
     * {@code control} or the {@code room} of a {@code room} message.
     */
    @Override
    public Event read(String frame) {
        String type = null;
        String sessionId = null;
        String from = null;
        String code = null;
        String detail = null;
        String candidate = null;
        try (JsonParser p = FACTORY.createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Event.Other("?", frame);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT && field.equals("candidate")) {
                    candidate = candidateLine(p);
                } else if (value.isStructStart()) {
                    p.skipChildren();
                } else if (value == JsonToken.VALUE_STRING) {
                    switch (field) {
                        case "type" -> type = p.getText();
                        case "sessionId" -> sessionId = p.getText();
                        case "from" -> from = p.getText();
                        case "code" -> code = p.getText();
                        case "site", "room" -> detail = p.getText();
                        default -> { }
                    }
                }
            }
        } catch (IOException e) {
            return new Event.Other("?", frame);
        }
        if (type == null) {
            return new Event.Other("?", frame);
        }
        return switch (type) {
            case "welcome" -> new Event.Ready(sessionId);
            case "candidate" -> new Event.Relayed(from, candidate);
            case "error" -> new Event.Failed(code == null ? "?" : code);
            default -> new Event.Other(type, detail);
        };
    }

    private static String candidateLine(JsonParser p) throws IOException {
        String line = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value.isStructStart()) {
                p.skipChildren();
            } else if (field.equals("candidate") && value == JsonToken.VALUE_STRING) {
                line = p.getText();
            }
        }
        return line;
    }

    private static String quote(String text) {
        return '"' + new String(ESCAPE.quoteAsString(text)) + '"';
    }
}
