package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.Operator;
import io.sitewatch.appliance.store.OperatorRepository;
import io.sitewatch.appliance.store.StoreException;
import io.sitewatch.appliance.store.TokenRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class SqliteOperators implements OperatorRepository {

    private static final String COLUMNS = "name, password_hash, groups, created_at";

    private final SqlWriter writer;
    private final ReadPool readers;

    SqliteOperators(SqlWriter writer, ReadPool readers) {
        this.writer = writer;
        this.readers = readers;
    }

    @Override
    public List<Operator> list() {
        return readers.read("list operators", c -> {
            List<Operator> operators = new ArrayList<>();
            try (ResultSet rows = c.prepare("SELECT " + COLUMNS + " FROM operators ORDER BY name").executeQuery()) {
                while (rows.next()) {
                    operators.add(operator(rows));
                }
            }
            return operators;
        });
    }

    @Override
    public Optional<Operator> find(String name) {
        return readers.read("find operator '" + name + "'", c -> {
            PreparedStatement find = c.prepare("SELECT " + COLUMNS + " FROM operators WHERE name = ?");
            find.setString(1, name);
            try (ResultSet row = find.executeQuery()) {
                return row.next() ? Optional.of(operator(row)) : Optional.empty();
            }
        });
    }

    @Override
    public void add(Operator operator) {
        writer.transaction("add operator '" + operator.name() + "'", c -> {
            PreparedStatement insert = c.prepare("INSERT INTO operators (" + COLUMNS + ") VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING");
            insert.setString(1, operator.name());
            insert.setString(2, operator.passwordHash());
            insert.setString(3, Json.write(operator.groups()));
            insert.setLong(4, operator.createdAt().toEpochMilli());
            if (insert.executeUpdate() == 0) {
                throw new StoreException.Conflict("operator '" + operator.name() + "' exists already");
            }
            return null;
        });
    }

    @Override
    public boolean update(Operator operator) {
        return writer.transaction("update operator '" + operator.name() + "'", c -> {
            PreparedStatement update = c.prepare("UPDATE operators SET password_hash = ?, groups = ? WHERE name = ?");
            update.setString(1, operator.passwordHash());
            update.setString(2, Json.write(operator.groups()));
            update.setString(3, operator.name());
            return update.executeUpdate() > 0;
        });
    }

    @Override
    public boolean remove(String name) {
        return writer.transaction("remove operator '" + name + "'", c -> {
            SqliteTokens.deleteOfSubject(c, TokenRecord.Kind.OPERATOR, name);
            PreparedStatement delete = c.prepare("DELETE FROM operators WHERE name = ?");
            delete.setString(1, name);
            return delete.executeUpdate() > 0;
        });
    }

    private static Operator operator(ResultSet row) throws SQLException {
        return new Operator(row.getString("name"), row.getString("password_hash"), Json.read(row.getString("groups")),
                Instant.ofEpochMilli(row.getLong("created_at")));
    }
}
