package io.sitewatch.appliance.store;

import java.util.List;

public interface RoomRepository {

    List<Room> list();

    /** Adds the room, or changes its capacity if it exists. */
    void put(Room room);

    /** False if there was no such room. */
    boolean remove(String name);
}
