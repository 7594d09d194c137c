package io.sitewatch.appliance.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the {@link Config} tree: defaults &lt; file &lt; environment &lt; flags. Keys are
 * kebab-case paths ({@code http.https-port}); the environment spells them
 * {@code SITEWATCH_HTTP_HTTPS_PORT}. Unknown keys and bad values are errors naming the key.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "SITEWATCH_";
    /** Environment variables that are not config keys. */
    private static final java.util.Set<String> ENV_RESERVED = java.util.Set.of("SITEWATCH_DATA_DIR",
            "SITEWATCH_CONFIG", "SITEWATCH_OPTS");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Built on first use: {@code serve} without a config file reads no TOML. */
    private static final class Toml {
        static final TomlMapper MAPPER = TomlMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .build();
    }

    private ConfigLoader() {}

    /**
     * @param file      the config file; a missing file is fine (defaults apply)
     * @param env       the process environment (only {@code SITEWATCH_*} entries are read)
     * @param overrides dotted keys from command-line flags
     */
    public static Config load(Path file, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        ObjectNode tree = JSON.valueToTree(Config.defaults());
        Map<String, String> keys = leafKeys(tree);
        if (file != null && Files.isRegularFile(file)) {
            merge(tree, readToml(file), "", "in " + file);
        }
        for (var entry : new java.util.TreeMap<>(env).entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(ENV_PREFIX) || ENV_RESERVED.contains(name)) {
                continue;
            }
            String key = keys.get(name);
            if (key == null) {
                throw new ConfigException("unknown environment variable " + name + " (known: "
                        + String.join(", ", keys.keySet()) + ")");
            }
            set(tree, key, entry.getValue(), "from " + name);
        }
        for (var entry : overrides.entrySet()) {
            if (!keys.containsValue(entry.getKey())) {
                throw new ConfigException("unknown config key '" + entry.getKey() + "'");
            }
            set(tree, entry.getKey(), entry.getValue(), "from the command line");
        }
        try {
            return JSON.treeToValue(tree, Config.class);
        } catch (JsonMappingException e) {
            throw new ConfigException("invalid config: " + describe(e));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ConfigException("invalid config: " + e.getMessage());
        }
    }

    /** The effective config as TOML, secrets masked. */
    public static String toToml(Config config) {
        ObjectNode tree = JSON.valueToTree(config);
        mask(tree, "tls", "keystore-password");
        mask(tree, "ice", "turn-credential");
        mask(tree, "ice", "turn-secret");
        mask(tree, "standby", "secret");
        try {
            return Toml.MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every config key, e.g. {@code http.https-port}. */
    public static java.util.Collection<String> keys() {
        return leafKeys(JSON.valueToTree(Config.defaults())).values();
    }

    private static void mask(ObjectNode tree, String section, String key) {
        ObjectNode node = (ObjectNode) tree.get(section);
        if (!node.path(key).asText().isEmpty()) {
            node.put(key, "********");
        }
    }

    private static JsonNode readToml(Path file) throws ConfigException {
        try {
            return Toml.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Copies {@code from} over {@code into}; every key must exist in the defaults, except inside maps. */
    private static void merge(ObjectNode into, JsonNode from, String prefix, String where) throws ConfigException {
        if (!from.isObject()) {
            throw new ConfigException("'" + prefix + "' must be a table " + where);
        }
        for (Map.Entry<String, JsonNode> field : from.properties()) {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode current = into.get(field.getKey());
            if (current == null) {
                throw new ConfigException("unknown key '" + key + "' " + where);
            }
            if (current.isObject() && !current.isEmpty()) {
                merge((ObjectNode) current, field.getValue(), key, where);
            } else {
                into.set(field.getKey(), field.getValue());
            }
        }
    }

    /** Sets a dotted key from a string: lists are comma-separated, maps are {@code name=value,...}. */
    private static void set(ObjectNode tree, String key, String value, String where) throws ConfigException {
        String[] path = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < path.length - 1; i++) {
            node = (ObjectNode) node.get(path[i]);
        }
        String leaf = path[path.length - 1];
        JsonNode current = node.get(leaf);
        if (current.isArray()) {
            ArrayNode list = node.putArray(leaf);
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    list.add(item.strip());
                }
            }
        } else if (current.isObject()) {
            ObjectNode map = node.putObject(leaf);
            for (String item : value.split(",")) {
                String[] pair = item.split("=", 2);
                if (pair.length != 2) {
                    throw new ConfigException(key + " " + where + " must look like name=value,name=value");
                }
                map.put(pair[0].strip(), pair[1].strip());
            }
        } else {
            node.set(leaf, TextNode.valueOf(value.strip()));
        }
    }

    private static Map<String, String> leafKeys(ObjectNode tree) {
        Map<String, String> keys = new LinkedHashMap<>();
        collect(tree, "", keys);
        return keys;
    }

    private static void collect(JsonNode node, String prefix, Map<String, String> keys) {
        if (node.isObject() && !node.isEmpty()) {
            node.properties().forEach(f -> collect(f.getValue(), prefix.isEmpty() ? f.getKey()
                    : prefix + "." + f.getKey(), keys));
        } else {
            keys.put(ENV_PREFIX + prefix.replaceAll("[.-]", "_").toUpperCase(Locale.ROOT), prefix);
        }
    }

    private static String describe(JsonMappingException e) {
        String key = e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                .filter(java.util.Objects::nonNull).collect(Collectors.joining("."));
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String reason = root instanceof IllegalArgumentException ? root.getMessage()
                : e.getOriginalMessage().lines().findFirst().orElse("bad value");
        return key.isEmpty() ? reason : "'" + key + "': " + reason;
    }
}
