package io.sitewatch.appliance.signal.msg;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns frames into {@link Inbound} records and {@link Outbound} records into frames.
 * Decoding is strict (protocol.md, Clarifications, Limits): duplicate keys, content after the
 * object, nesting deeper than 32 levels, numbers of over 1000 digits, names of over 50 000 characters, lone
 * surrogates and scalar coercions are bad messages.
 */
public final class Codec {

    /** Wire name of every client message type, in protocol.md order. */
    public static final Map<String, Class<? extends Inbound>> INBOUND_TYPES = typeNames(Inbound.class);
    /** Wire name of every server message type. */
    public static final Map<String, Class<? extends Outbound>> OUTBOUND_TYPES = typeNames(Outbound.class);
    /** Types forwarded to another session with {@code from} stamped. */
    public static final Set<String> RELAYED_TYPES = Set.of("offer", "answer", "candidate", "bye");

    private static final int MAX_NESTING = 32;
    /**
     * Each transport thread splices relayed frames in one reused builder, so a relay allocates
     * only the frame it sends; frames larger than this (SDP of many media sections) get their own.
     */
    private static final int SPLICE_REUSE_LIMIT = 16 * 1024;
    /**
     * Digits in one number (fraction and exponent included, an integer part of just 0 not, as Jackson counts):
     * more makes parsing slow for nothing (protocol.md, Clarifications, Limits).
     */
    private static final int MAX_NUMBER_DIGITS = 1000;
    private static final int MAX_NAME_LENGTH = 50_000;

    private final ObjectMapper mapper;
    private final ThreadLocal<StringBuilder> splice = ThreadLocal.withInitial(() -> new StringBuilder(4096));
    private final ObjectReader treeReader;
    private final ObjectReader inboundReader;
    private final ObjectWriter outboundWriter;

    public Codec() {
        mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).maxNumberLength(MAX_NUMBER_DIGITS)
                        .maxNameLength(MAX_NAME_LENGTH).build());
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        treeReader = mapper.readerFor(JsonNode.class);
        inboundReader = mapper.readerFor(Inbound.class);
        outboundWriter = mapper.writerFor(Outbound.class);
    }

    /** The result of decoding one frame. */
    public sealed interface Decoded {
        /** A valid message, with the object and the frame as received (relayed messages are forwarded from it). */
        record Ok(Inbound message, ObjectNode raw, String frame) implements Decoded {}

        /** An invalid frame: the error to answer with, and the offending type if the frame named one. */
        record Bad(ErrorCode code, String ref, String reason) implements Decoded {}
    }

    public Decoded decode(String frame) {
        JsonNode tree;
        try {
            tree = treeReader.readValue(frame);
        } catch (JsonProcessingException | RuntimeException e) {
            return new Decoded.Bad(ErrorCode.BAD_MESSAGE, null, "not valid JSON");
        }
        if (!(tree instanceof ObjectNode raw)) {
            return new Decoded.Bad(ErrorCode.BAD_MESSAGE, null, "a message must be a JSON object");
        }
        // Only a JSON escape can put a lone surrogate in a string: the transport already refused invalid UTF-8.
        if (frame.contains("\\u") && hasLoneSurrogate(raw)) {
            return new Decoded.Bad(ErrorCode.BAD_MESSAGE, null, "a string holds a lone surrogate");
        }
        JsonNode type = raw.get("type");
        if (type == null || !type.isTextual()) {
            return new Decoded.Bad(ErrorCode.BAD_MESSAGE, null, "field 'type' must be a string");
        }
        String name = type.textValue();
        if (!INBOUND_TYPES.containsKey(name)) {
            return new Decoded.Bad(ErrorCode.UNKNOWN_TYPE, name, "unknown message type");
        }
        try {
            return new Decoded.Ok(inboundReader.treeToValue(raw, Inbound.class), raw, frame);
        } catch (InvalidTypeIdException e) {
            return new Decoded.Bad(ErrorCode.UNKNOWN_TYPE, name, "unknown message type");
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new Decoded.Bad(ErrorCode.BAD_MESSAGE, name, reason(e));
        }
    }

    public String encode(Outbound message) {
        try {
            return outboundWriter.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message, e);
        }
    }

    /**
     * The received frame with {@code from} set to the sender: any client-sent {@code from} is overwritten, and
     * everything else is forwarded as written, numbers and escapes included (protocol.md, Addressing and relay).
     * Usually the field is spliced in after the frame's opening brace and the frame is not serialized again.
     */
    public String stamp(Decoded.Ok message, String from) {
        String frame = message.frame();
        boolean plain = isPlainId(from);
        if (!message.raw().has("from") && plain) {
            int brace = frame.indexOf('{') + 1;
            int length = frame.length() + from.length() + 10;
            StringBuilder out = length <= SPLICE_REUSE_LIMIT ? splice.get() : new StringBuilder(length);
            out.setLength(0);
            return out.append(frame, 0, brace).append("\"from\":\"").append(from).append("\",")
                    .append(frame, brace, frame.length()).toString();
        }
        String value = plain ? '"' + from + '"' : quote(from);
        if (!message.raw().has("from")) {
            int brace = frame.indexOf('{') + 1;
            return frame.substring(0, brace) + "\"from\":" + value + ',' + frame.substring(brace);
        }
        try (JsonParser parser = mapper.getFactory().createParser(frame)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean isFrom = "from".equals(parser.currentName());
                parser.nextToken();
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                parser.finishToken();
                if (isFrom) {
                    int end = (int) parser.currentLocation().getCharOffset();
                    return frame.substring(0, start) + value + frame.substring(end);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot re-read a decoded frame", e);
        }
        throw new IllegalStateException("decoded frame without its from field");
    }

    private String quote(String text) {
        try {
            return mapper.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a string", e);
        }
    }

    private static boolean hasLoneSurrogate(JsonNode node) {
        if (node.isTextual()) {
            return hasLoneSurrogate(node.textValue());
        }
        if (node.isObject()) {
            for (var field : node.properties()) {
                if (hasLoneSurrogate(field.getKey())) {
                    return true;
                }
            }
        }
        for (JsonNode child : node) {
            if (hasLoneSurrogate(child)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Session ids are base64url: nothing in them needs escaping in a JSON string. */
    private static boolean isPlainId(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Mapper with the same strict settings, for JSON built outside messages (stats, ICE servers). */
    public ObjectMapper mapper() {
        return mapper;
    }

    private static String reason(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
            return cause.getMessage();
        }
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
            return "field '" + m.getPath().get(0).getFieldName() + "' is missing or has the wrong type";
        }
        return "missing or mistyped field";
    }

    private static <T> Map<String, Class<? extends T>> typeNames(Class<T> root) {
        Map<String, Class<? extends T>> names = new LinkedHashMap<>();
        for (JsonSubTypes.Type t : root.getAnnotation(JsonSubTypes.class).value()) {
            if (names.put(t.name(), t.value().asSubclass(root)) != null) {
                throw new IllegalStateException("duplicate message type " + t.name());
            }
        }
        return Collections.unmodifiableMap(names);
    }
}
