package io.sitewatch.cli.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;

/** The CLI's only way to the appliance: JSON requests to the admin API over an {@link AdminTransport}. */
public final class AdminClient implements AutoCloseable {

    public static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final TypeReference<JsonNode> TREE = new TypeReference<>() {};

    private final AdminTransport transport;

    public AdminClient(AdminTransport transport) {
        this.transport = transport;
    }

    public <T> T get(String path, TypeReference<T> type) throws AdminException {
        return read(transport.exchange("GET", path, null), type);
    }

    public <T> T get(String path, Class<T> type) throws AdminException {
        return JSON.convertValue(get(path, TREE), type);
    }

    public <T> T post(String path, Object body, Class<T> type) throws AdminException {
        return JSON.convertValue(post(path, body, TREE), type);
    }

    public <T> T post(String path, Object body, TypeReference<T> type) throws AdminException {
        return read(transport.exchange("POST", path, encode(body)), type);
    }

    public <T> T patch(String path, Object body, Class<T> type) throws AdminException {
        return JSON.convertValue(read(transport.exchange("PATCH", path, encode(body)), TREE), type);
    }

    public void delete(String path) throws AdminException {
        read(transport.exchange("DELETE", path, null), TREE);
    }

    /** Opens a stream of JSON lines ({@code /v1/events?follow=true}); it is open once this returns. */
    public Lines lines(String path) throws AdminException {
        return new Lines(transport.open(path));
    }

    /**
     * Saves a binary answer (a backup) to {@code target}, which is created owner-only. No overall time limit,
     * since a backup with recordings may be large; only a stalled transfer times out.
     */
    public void download(String path, Path target) throws AdminException {
        try (InputStream in = transport.open(path)) {
            Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(target)) {
                in.transferTo(out);
            }
        } catch (IOException e) {
            throw new AdminException("cannot save " + target + ": " + e.getMessage());
        }
    }

    /** A long answer's body (an export, a verify) and its declared length (-1 if not declared). */
    public record Download(InputStream body, long length) {}

    /** Opens a long answer: no overall time limit, only an idle one, so an export of any size completes. */
    public Download open(String path) throws AdminException {
        AdminTransport.Body body = transport.download(path);
        return new Download(body.stream(), body.length());
    }

    /** Reads a stream of JSON lines until the appliance closes it or the thread is interrupted. */
    public void stream(String path, Consumer<JsonNode> onLine) throws AdminException {
        try (Lines lines = lines(path)) {
            for (JsonNode line = lines.next(); line != null; line = lines.next()) {
                onLine.accept(line);
            }
        }
    }

    /** An open stream of JSON lines. */
    public static final class Lines implements AutoCloseable {
        private final InputStream stream;
        private final BufferedReader reader;

        private Lines(InputStream stream) {
            this.stream = stream;
            this.reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        }

        /** The next line; null when the stream ended or the thread was interrupted (the flag stays set). */
        public JsonNode next() throws AdminException {
            try {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (!line.isBlank()) {
                        return JSON.readTree(line);
                    }
                }
                return null;
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return null;
                }
                throw new AdminException("the event stream broke: " + e.getMessage());
            }
        }

        /** Abandons the stream; a thread blocked in {@link #next} returns. */
        @Override
        public void close() {
            try {
                stream.close(); // not the reader: a thread reading holds its lock
            } catch (IOException e) {
                // the stream is abandoned either way
            }
        }
    }

    private static byte[] encode(Object body) throws AdminException {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new AdminException("cannot encode request: " + e.getMessage());
        }
    }

    private static <T> T read(AdminTransport.Reply reply, TypeReference<T> type) throws AdminException {
        if (reply.status() / 100 != 2) {
            throw refusal(reply);
        }
        try {
            return JSON.readValue(reply.body(), type);
        } catch (IOException e) {
            throw new AdminException("unexpected answer from the appliance (" + reply.status() + ")");
        }
    }

    /** The appliance's error answer ({@code {"error":..,"message":..}}) as an exception. */
    static AdminException refusal(AdminTransport.Reply reply) {
        try {
            JsonNode error = JSON.readTree(reply.body());
            return new AdminException.Refused(reply.status(), error.path("error").asText("error"),
                    error.path("message").asText("the appliance answered " + reply.status()));
        } catch (IOException e) {
            return new AdminException("unexpected answer from the appliance (" + reply.status() + ")");
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
