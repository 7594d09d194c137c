package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.GroupRepository;
import io.sitewatch.appliance.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

final class SqliteGroups implements GroupRepository {

    private final SqlWriter writer;
    private final ReadPool readers;

    SqliteGroups(SqlWriter writer, ReadPool readers) {
        this.writer = writer;
        this.readers = readers;
    }

    @Override
    public List<String> list() {
        return readers.read("list groups", c -> {
            List<String> groups = new ArrayList<>();
            try (ResultSet rows = c.prepare("SELECT name FROM groups ORDER BY name").executeQuery()) {
                while (rows.next()) {
                    groups.add(rows.getString(1));
                }
            }
            return groups;
        });
    }

    @Override
    public boolean add(String name) {
        return writer.transaction("add group '" + name + "'", c -> {
            PreparedStatement insert = c.prepare("INSERT INTO groups (name) VALUES (?) ON CONFLICT DO NOTHING");
            insert.setString(1, name);
            return insert.executeUpdate() > 0;
        });
    }

    @Override
    public boolean remove(String name) {
        return writer.transaction("remove group '" + name + "'", c -> {
            PreparedStatement used = c.prepare("SELECT count(*) FROM sites WHERE grp = ?");
            used.setString(1, name);
            try (ResultSet count = used.executeQuery()) {
                count.next();
                if (count.getInt(1) > 0) {
                    throw new StoreException.Conflict("group '" + name + "' still has " + count.getInt(1)
                            + " site(s); move them first");
                }
            }
            PreparedStatement delete = c.prepare("DELETE FROM groups WHERE name = ?");
            delete.setString(1, name);
            return delete.executeUpdate() > 0;
        });
    }
}
