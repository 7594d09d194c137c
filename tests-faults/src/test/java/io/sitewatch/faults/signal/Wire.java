package io.sitewatch.faults.signal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON values as the corpus builds them, and their text. A value is a {@code Map<String, Object>} (an object, in
 * order), a {@code List<Object>}, a {@code String}, a {@code Boolean}, {@code null} or a {@link Num}, which keeps a
 * number exactly as written ({@code 1e400} is not a double). The writer can escape every string character, so the
 * same message reaches the server in more than one spelling.
 */
final class Wire {

    private static final JsonFactory FACTORY = new JsonFactory();

    private Wire() {}

    /** A number as written. */
    record Num(String text) {}

    /** How a value is spelled: compact, with whitespace around every token, or with every string char escaped. */
    enum Style { COMPACT, SPACED, ESCAPED }

    static String write(Object value, Style style) {
        StringBuilder out = new StringBuilder();
        write(value, style, out);
        return out.toString();
    }

    private static void write(Object value, Style style, StringBuilder out) {
        String gap = style == Style.SPACED ? " \t\r\n" : "";
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean || value instanceof Num) {
            out.append(value instanceof Num n ? n.text() : value.toString());
        } else if (value instanceof String s) {
            string(s, style == Style.ESCAPED, out);
        } else if (value instanceof List<?> list) {
            out.append('[').append(gap);
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : "," + gap);
                write(list.get(i), style, out);
            }
            out.append(gap).append(']');
        } else if (value instanceof Map<?, ?> map) {
            out.append(gap).append('{').append(gap);
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : "," + gap);
                first = false;
                string((String) e.getKey(), style == Style.ESCAPED, out);
                out.append(gap).append(':').append(gap);
                write(e.getValue(), style, out);
            }
            out.append(gap).append('}').append(gap);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass());
        }
    }

    private static void string(String s, boolean escapeAll, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (escapeAll || c < 0x20 || Character.isSurrogate(c) && !pairedAt(s, i)) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /** True if the surrogate at {@code i} is half of a valid pair (such pairs may travel unescaped as UTF-8). */
    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** Levels of nesting, the outermost object or array being 1. */
    static int depth(Object value) {
        if (value instanceof Map<?, ?> map) {
            return 1 + map.values().stream().mapToInt(Wire::depth).max().orElse(0);
        }
        if (value instanceof List<?> list) {
            return 1 + list.stream().mapToInt(Wire::depth).max().orElse(0);
        }
        return 0;
    }

    /** The most digits any number in the value has; the integer part of a {@code 0.5} or {@code 0e1} does not count. */
    static int maxDigits(Object value) {
        if (value instanceof Num n) {
            String text = n.text();
            int digits = (int) text.chars().filter(Character::isDigit).count();
            return text.matches("-?0[.eE].*") ? digits - 1 : digits;
        }
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().mapToInt(Wire::maxDigits).max().orElse(0);
        }
        return value instanceof List<?> list ? list.stream().mapToInt(Wire::maxDigits).max().orElse(0) : 0;
    }

    /** The longest member name anywhere in the value. */
    static int maxNameLength(Object value) {
        if (value instanceof Map<?, ?> map) {
            return Math.max(map.keySet().stream().mapToInt(k -> ((String) k).length()).max().orElse(0),
                    map.values().stream().mapToInt(Wire::maxNameLength).max().orElse(0));
        }
        return value instanceof List<?> list ? list.stream().mapToInt(Wire::maxNameLength).max().orElse(0) : 0;
    }

    static boolean hasLoneSurrogate(Object value) {
        if (value instanceof String s) {
            for (int i = 0; i < s.length(); i++) {
                if (Character.isSurrogate(s.charAt(i)) && !pairedAt(s, i)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Map<?, ?> map) {
            return map.keySet().stream().anyMatch(Wire::hasLoneSurrogate)
                    || map.values().stream().anyMatch(Wire::hasLoneSurrogate);
        }
        return value instanceof List<?> list && list.stream().anyMatch(Wire::hasLoneSurrogate);
    }

    /**
     * The top-level members of an object frame: name -> the value's text exactly as it appears in the frame. Two
     * frames with equal members carry the same object spelled the same way, whatever the member order.
     */
    static Map<String, String> members(String frame) {
        Map<String, String> members = new LinkedHashMap<>();
        try (JsonParser parser = FACTORY.createParser(frame)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not an object: " + frame);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                parser.finishToken();
                int end = (int) parser.currentLocation().getCharOffset();
                if (members.put(name, frame.substring(start, end)) != null) {
                    throw new IllegalArgumentException("duplicate member " + name + " in " + frame);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return members;
    }
}
