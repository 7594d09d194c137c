package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.StoreException;
import io.sitewatch.appliance.store.TokenRecord;
import io.sitewatch.appliance.store.TokenRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

final class SqliteTokens implements TokenRepository {

    /** The query of every {@code hello}: one row by primary key (a test checks its plan). */
    static final String FIND =
            "SELECT id, kind, subject, secret_hash, created_at, expires_at FROM tokens WHERE id = ?";
    private static final String INSERT = "INSERT INTO tokens (id, kind, subject, secret_hash, created_at, expires_at)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String DELETE_OF_SUBJECT = "DELETE FROM tokens WHERE kind = ? AND subject = ?";

    private final SqlWriter writer;
    private final ReadPool readers;

    SqliteTokens(SqlWriter writer, ReadPool readers) {
        this.writer = writer;
        this.readers = readers;
    }

    @Override
    public Optional<TokenRecord> find(String id) {
        return readers.read("look up a token", c -> {
            PreparedStatement find = c.prepare(FIND);
            find.setString(1, id);
            try (ResultSet row = find.executeQuery()) {
                return row.next() ? Optional.of(token(row)) : Optional.empty();
            }
        });
    }

    @Override
    public java.util.List<TokenRecord> list() {
        return readers.read("list tokens", c -> {
            java.util.List<TokenRecord> tokens = new java.util.ArrayList<>();
            try (ResultSet rows = c.prepare(FIND.replace(" WHERE id = ?", " ORDER BY id")).executeQuery()) {
                while (rows.next()) {
                    tokens.add(token(rows));
                }
            }
            return tokens;
        });
    }

    @Override
    public void add(TokenRecord token) {
        writer.transaction("add a token", c -> {
            insert(c, token);
            return null;
        });
    }

    @Override
    public boolean revoke(String id) {
        return writer.transaction("revoke a token", c -> {
            PreparedStatement delete = c.prepare("DELETE FROM tokens WHERE id = ?");
            delete.setString(1, id);
            return delete.executeUpdate() > 0;
        });
    }

    @Override
    public int purgeExpired(Instant now) {
        return writer.transaction("purge expired tokens", c -> {
            PreparedStatement delete = c.prepare("DELETE FROM tokens WHERE expires_at <= ?");
            delete.setLong(1, now.toEpochMilli());
            return delete.executeUpdate();
        });
    }

    /** Inserts one token inside the caller's transaction; {@link StoreException.Conflict} if its id is taken. */
    static void insert(SqlConnection c, TokenRecord token) throws SQLException {
        PreparedStatement insert = c.prepare(INSERT);
        bind(insert, token);
        if (insert.executeUpdate() == 0) {
            throw conflict(token);
        }
    }

    /** Inserts many tokens as one batch inside the caller's transaction. */
    static void insertAll(SqlConnection c, Iterable<TokenRecord> tokens) throws SQLException {
        PreparedStatement insert = c.prepare(INSERT);
        for (TokenRecord token : tokens) {
            bind(insert, token);
            insert.addBatch();
        }
        int[] inserted = insert.executeBatch();
        int i = 0;
        for (TokenRecord token : tokens) {
            if (inserted[i++] == 0) {
                throw conflict(token);
            }
        }
    }

    static void deleteOfSubject(SqlConnection c, TokenRecord.Kind kind, String subject) throws SQLException {
        PreparedStatement delete = c.prepare(DELETE_OF_SUBJECT);
        delete.setString(1, kind.name());
        delete.setString(2, subject);
        delete.executeUpdate();
    }

    private static StoreException.Conflict conflict(TokenRecord token) {
        return new StoreException.Conflict("a token with id '" + token.id() + "' exists already");
    }

    private static void bind(PreparedStatement insert, TokenRecord token) throws SQLException {
        insert.setString(1, token.id());
        insert.setString(2, token.kind().name());
        insert.setString(3, token.subject());
        insert.setBytes(4, token.secretHash());
        insert.setLong(5, token.createdAt().toEpochMilli());
        if (token.expiresAt() == null) {
            insert.setNull(6, Types.INTEGER);
        } else {
            insert.setLong(6, token.expiresAt().toEpochMilli());
        }
    }

    private static TokenRecord token(ResultSet row) throws SQLException {
        long expires = row.getLong("expires_at");
        Instant expiresAt = row.wasNull() ? null : Instant.ofEpochMilli(expires);
        return new TokenRecord(row.getString("id"), TokenRecord.Kind.valueOf(row.getString("kind")),
                row.getString("subject"), row.getBytes("secret_hash"),
                Instant.ofEpochMilli(row.getLong("created_at")), expiresAt);
    }
}
