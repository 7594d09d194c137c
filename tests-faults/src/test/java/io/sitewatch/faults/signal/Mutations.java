package io.sitewatch.faults.signal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded mutations of valid messages: fields removed, retyped or replaced by hostile values (huge strings, NUL,
 * lone surrogates, {@code 1e400}, deep nesting), forged {@code from}, every kind of target, types renamed; and
 * text-level damage the value model cannot express (truncation, trailing content, duplicate keys, raw control
 * characters, non-JSON numbers).
 */
final class Mutations {

    /**
     * A frame to send, the type of the valid message it was mutated from and, when it was built from a value, that
     * value (null: the text is not JSON).
     */
    record Case(String of, String kind, String frame, Object message) {}

    private static final String SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
            + "a=fingerprint:sha-256 12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD\r\n";
    private static final int FRAME_BUDGET = 60_000;

    private final Random random;
    /** Session ids, site ids and names the corpus aims at: every kind of target. */
    private final List<String> targets;

    Mutations(long seed, List<String> targets) {
        this.random = new Random(seed);
        this.targets = targets;
    }

    /** A valid message of this type, aimed at {@code to} (a session id, site id or room as the type needs). */
    static Map<String, Object> base(String type, String to, String token) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        switch (type) {
            case "hello" -> {
                m.put("token", token);
                m.put("client", "faults");
            }
            case "offer", "answer" -> {
                m.put("to", to);
                m.put("sdp", SDP);
            }
            case "candidate" -> {
                m.put("to", to);
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("candidate", "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host");
                c.put("sdpMid", "0");
                c.put("sdpMLineIndex", new Wire.Num("0"));
                m.put("candidate", c);
            }
            case "bye" -> m.put("to", to);
            case "watch", "unwatch" -> m.put("sites", new ArrayList<>(List.of(to)));
            case "claim", "release" -> m.put("site", to);
            case "join-room", "leave-room" -> m.put("room", to);
            case "status" -> {
                m.put("peer", to);
                m.put("state", "connected");
                Map<String, Object> stats = new LinkedHashMap<>();
                stats.put("rttMs", new Wire.Num("12"));
                stats.put("route", "host");
                m.put("stats", stats);
            }
            default -> { }
        }
        return m;
    }

    Case next(Map<String, Object> base) {
        String of = (String) base.get("type");
        if (random.nextInt(8) == 0) {
            return textDamage(of, Wire.write(base, Wire.Style.COMPACT));
        }
        Map<String, Object> m = copy(base);
        int rounds = 1 + random.nextInt(3);
        StringBuilder kind = new StringBuilder();
        for (int i = 0; i < rounds; i++) {
            kind.append(i == 0 ? "" : "+").append(mutate(m));
        }
        Wire.Style style = Wire.Style.values()[random.nextInt(10) < 7 ? 0 : 1 + random.nextInt(2)];
        String frame = Wire.write(m, style);
        if (frame.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > FRAME_BUDGET) {
            return next(base); // over 64 KiB closes with 1009: phase 3's business, not the corpus'
        }
        return new Case(of, kind + "/" + style.name().toLowerCase(), frame, m);
    }

    private String mutate(Map<String, Object> m) {
        List<String> fields = new ArrayList<>(m.keySet());
        switch (random.nextInt(9)) {
            case 0 -> {
                if (fields.isEmpty()) {
                    return "noop";
                }
                String f = pick(fields);
                m.remove(f);
                return "drop:" + f;
            }
            case 1, 2 -> {
                if (fields.isEmpty()) {
                    return "noop";
                }
                String f = pick(fields);
                m.put(f, hostile());
                return "retype:" + f;
            }
            case 3 -> {
                String f = pick(List.of("to", "peer", "site", "room"));
                m.put(f, pick(targets));
                return "target:" + f;
            }
            case 4 -> {
                m.put("sites", sites());
                return "sites";
            }
            case 5 -> {
                m.put("type", typeName());
                return "type";
            }
            case 6 -> {
                m.put("from", random.nextBoolean() ? pick(targets) : hostile());
                return "forged-from";
            }
            case 7 -> {
                m.put(fieldName(), hostile());
                return "extra";
            }
            default -> {
                if (m.get("stats") instanceof Map<?, ?>) {
                    m.put("stats", stats());
                    return "stats";
                }
                m.put("state", pick(List.of("connected", "connected", "failed", "CONNECTED", "connected ", "", "bogus")));
                return "state";
            }
        }
    }

    private Object hostile() {
        return switch (random.nextInt(22)) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> new Wire.Num(pick(List.of("0", "-1", "1e400", "-1e400", "1E-400", "-0", "1.10", "2.5e-3",
                    "123456789012345678901234567890", "9007199254740993", "-9223372036854775809")));
            case 3 -> "";
            case 4 -> "x".repeat(1 + random.nextInt(random.nextBoolean() ? 64 : 40_000));
            case 5 -> "nul\u0000in\u0000the middle";
            case 6 -> "\u0001\u0007\u001f\u007f\u0085 controls";
            case 7 -> pick(List.of("\ud800", "a\udc00b", "tail\ud83d", "\ude00head"));
            case 8 -> "emoji \ud83d\ude00 \u00e9\u4e2d";
            case 9 -> new ArrayList<>(List.of(pick(targets), new Wire.Num("1"), "a"));
            case 10 -> new ArrayList<>();
            case 11 -> new LinkedHashMap<>();
            case 12 -> nest(1 + random.nextInt(40));
            case 13 -> pick(targets);
            case 14 -> "\"quoted\" \\back\\slash";
            case 15 -> "<script>alert(1)</script>";
            case 16 -> "%s%n%x${jndi:ldap://127.0.0.1/x}";
            case 17 -> "\u202e\u200b\ufeff invisible";
            case 18 -> Map.of("a", new Wire.Num("1e400"), "b", List.of(new Wire.Num("-0")));
            case 19 -> {
                String zeros = "0".repeat(random.nextBoolean() ? Contract.MAX_NUMBER_DIGITS - 3 + random.nextInt(6)
                        : random.nextInt(3000));
                yield new Wire.Num(random.nextBoolean() ? "1" + zeros : "-0." + zeros + "1");
            }
            case 20 -> "x".repeat(random.nextInt(3)) + "\u0000";
            default -> pick(targets) + pick(List.of(" ", "\u0000", "\t", "x"));
        };
    }

    private Object nest(int depth) {
        Object v = random.nextBoolean() ? new Wire.Num("1e400") : "deep";
        for (int i = 0; i < depth; i++) {
            if (random.nextBoolean()) {
                List<Object> l = new ArrayList<>();
                l.add(v);
                v = l;
            } else {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("k", v);
                v = o;
            }
        }
        return v;
    }

    private Object sites() {
        int n = random.nextInt(10) == 0 ? 60 + random.nextInt(10) : random.nextInt(6);
        List<Object> sites = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sites.add(random.nextInt(6) == 0 ? hostile() : pick(targets));
        }
        if (random.nextInt(4) != 0) {
            sites.add(random.nextInt(sites.size() + 1), targets.get(0));
        }
        return sites;
    }

    private Object stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        for (String f : List.of("rttMs", "kbpsOut", "kbpsIn", "fps", "route", "junk")) {
            if (random.nextBoolean()) {
                stats.put(f, random.nextBoolean() ? new Wire.Num(pick(List.of("1e400", "-1e400", "12", "0.5", "1e308")))
                        : hostile());
            }
        }
        return stats;
    }

    private String typeName() {
        String known = pick(Contract.TYPES);
        return switch (random.nextInt(6)) {
            case 0, 1 -> known;
            case 2 -> known.toUpperCase();
            case 3 -> known + pick(List.of(" ", "\u0000", "s", "\n"));
            case 4 -> pick(List.of("welcome", "pong", "error", "presence", "control", "room", "teleop", "", "__proto__"));
            default -> "t".repeat(1 + random.nextInt(20_000));
        };
    }

    private String fieldName() {
        if (random.nextInt(20) == 0) {
            return "k".repeat(Contract.MAX_NAME_LENGTH - 2 + random.nextInt(4));
        }
        return pick(List.of("x", "", "__proto__", "constructor", "Type", "TYPE", "to ", "\u0000", "pad", "link",
                "sdp", "candidate"));
    }

    /** Damage only the text can carry; the result is never a single valid JSON object. */
    private Case textDamage(String of, String frame) {
        int inner = frame.lastIndexOf('}');
        return switch (random.nextInt(9)) {
            case 0 -> new Case(of, "truncated", frame.substring(0, 1 + random.nextInt(frame.length() - 1)), null);
            case 1 -> new Case(of, "trailing", frame + pick(List.of(" x", "}", "{}", "[]", "{\"type\":\"ping\"}", "\u0000",
                    ",", " null", "1e400")), null);
            case 2 -> {
                int key = frame.indexOf("\"type\"");
                yield new Case(of, "duplicate-key", "{" + frame.substring(key, frame.indexOf(',', key) < 0 ? inner
                        : frame.indexOf(',', key)) + "," + frame.substring(1), null);
            }
            case 3 -> new Case(of, "raw-control", frame.substring(0, inner) + ",\"x\":\"a" + (char) random.nextInt(0x20)
                    + "b\"}", null);
            case 4 -> new Case(of, "not-a-number", frame.substring(0, inner) + ",\"n\":" + pick(List.of("NaN", "Infinity",
                    "-Infinity", "01", "+1", ".5", "1.", "0x10", "1e", "--1", "1_000")) + "}", null);
            case 5 -> new Case(of, "syntax", pick(List.of(frame.replace('"', '\''), frame.substring(0, inner) + ",}",
                    frame.replaceFirst("\"type\"", "type"), "/*c*/" + frame, frame.substring(0, inner) + "//c\n}")), null);
            case 6 -> new Case(of, "not-an-object", pick(List.of("[" + frame + "]", "\"" + frame.replace("\"", "\\\"") + "\"",
                    "1e400", "null", "true", "", " ", "[]")), null);
            case 7 -> {
                int depth = Contract.MAX_NESTING + random.nextInt(2000);
                yield new Case(of, "deep", "{\"type\":\"ping\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}", null);
            }
            default -> new Case(of, "unclosed-string", frame.substring(0, inner) + ",\"x\":\"open}", null);
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<String, Object> m) {
        Map<String, Object> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v instanceof Map<?, ?> inner ? copy((Map<String, Object>) inner)
                : v instanceof List<?> l ? new ArrayList<>(l) : v));
        return c;
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

}
