package io.sitewatch.appliance.store.sqlite;

import io.sitewatch.appliance.store.Room;
import io.sitewatch.appliance.store.RoomRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

final class SqliteRooms implements RoomRepository {

    private final SqlWriter writer;
    private final ReadPool readers;

    SqliteRooms(SqlWriter writer, ReadPool readers) {
        this.writer = writer;
        this.readers = readers;
    }

    @Override
    public List<Room> list() {
        return readers.read("list rooms", c -> {
            List<Room> rooms = new ArrayList<>();
            try (ResultSet rows = c.prepare("SELECT name, capacity, shared, created_at FROM rooms ORDER BY name")
                    .executeQuery()) {
                while (rows.next()) {
                    rooms.add(new Room(rows.getString(1), rows.getInt(2), rows.getInt(3) == 1,
                            Instant.ofEpochMilli(rows.getLong(4))));
                }
            }
            return rooms;
        });
    }

    @Override
    public void put(Room room) {
        writer.transaction("put room '" + room.name() + "'", c -> {
            PreparedStatement upsert = c.prepare("INSERT INTO rooms (name, capacity, shared, created_at)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET capacity = excluded.capacity,"
                    + " shared = excluded.shared");
            upsert.setString(1, room.name());
            upsert.setInt(2, room.capacity());
            upsert.setInt(3, room.shared() ? 1 : 0);
            upsert.setLong(4, room.createdAt().toEpochMilli());
            upsert.executeUpdate();
            return null;
        });
    }

    @Override
    public boolean remove(String name) {
        return writer.transaction("remove room '" + name + "'", c -> {
            PreparedStatement delete = c.prepare("DELETE FROM rooms WHERE name = ?");
            delete.setString(1, name);
            return delete.executeUpdate() > 0;
        });
    }
}
