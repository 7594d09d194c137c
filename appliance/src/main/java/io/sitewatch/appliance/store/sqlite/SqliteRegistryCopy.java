package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.Operator;
import io.sitewatch.appliance.store.RegistryData;
import io.sitewatch.appliance.store.Room;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;

/** Replaces the registry tables with a copy, in the caller's transaction: a standby mirroring its primary. */
final class SqliteRegistryCopy {

    private SqliteRegistryCopy() {}

    static void replace(SqlConnection c, RegistryData registry) throws SQLException {
        for (String table : new String[] {"tokens", "sites", "operators", "rooms", "groups"}) {
            c.prepare("DELETE FROM " + table).executeUpdate();
        }
        Set<String> groups = new LinkedHashSet<>(registry.groups());
        registry.sites().forEach(site -> groups.add(site.group()));
        PreparedStatement group = c.prepare("INSERT INTO groups (name) VALUES (?)");
        for (String name : groups) {
            group.setString(1, name);
            group.addBatch();
        }
        group.executeBatch();
        SqliteSites.insertAll(c, registry.sites());
        PreparedStatement operator = c.prepare("INSERT INTO operators (name, password_hash, groups, created_at)"
                + " VALUES (?, ?, ?, ?)");
        for (Operator op : registry.operators()) {
            operator.setString(1, op.name());
            operator.setString(2, op.passwordHash());
            operator.setString(3, Json.write(op.groups()));
            operator.setLong(4, op.createdAt().toEpochMilli());
            operator.addBatch();
        }
        operator.executeBatch();
        SqliteTokens.insertAll(c, registry.tokens());
        PreparedStatement room = c.prepare("INSERT INTO rooms (name, capacity, shared, created_at) VALUES (?, ?, ?, ?)");
        for (Room r : registry.rooms()) {
            room.setString(1, r.name());
            room.setInt(2, r.capacity());
            room.setInt(3, r.shared() ? 1 : 0);
            room.setLong(4, r.createdAt().toEpochMilli());
            room.addBatch();
        }
        room.executeBatch();
    }
}
