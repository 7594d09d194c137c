package io.sitewatch.appliance.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Sets of names in JSON array columns; null stays null (it means "every group" for operators). */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

    private Json() {}

    /** Sorted, so the same set is always the same text. */
    static String write(Set<String> names) {
        if (names == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(new TreeSet<>(names));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a set of strings is always JSON", e);
        }
    }

    static Set<String> read(String json) {
        if (json == null) {
            return null;
        }
        try {
            return new LinkedHashSet<>(MAPPER.readValue(json, LIST));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not a JSON array of strings in the database: " + json, e);
        }
    }
}
