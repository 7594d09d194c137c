package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sitewatch.appliance.admin.dto.AdminDto.RoomRequest;
import io.sitewatch.appliance.signal.SignalViews.RoomView;
import io.sitewatch.appliance.store.Room;
import io.sitewatch.cli.client.AdminClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "room", description = "Define the operators' voice rooms (the intercom).",
        subcommands = {RoomCommand.Add.class, RoomCommand.Remove.class, RoomCommand.ListRooms.class})
public final class RoomCommand {

    private RoomCommand() {}

    @Command(name = "add", description = "Define a room (or change its capacity); operators see it in the intercom.")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--capacity", paramLabel = "N", description = "Members at most (default: signal.room-capacity).")
        Integer capacity;
        @Option(names = "--shared", description = "One room for every group (default: each group has its own).")
        boolean shared;

        @Override
        void run(AdminClient client) throws Exception {
            Room room = client.post("/v1/rooms", new RoomRequest(name, capacity, shared), Room.class);
            if (json) {
                Printer.json(out(), room);
            } else {
                out().printf("room %s holds %d%s%n", room.name(), room.capacity(),
                        room.shared() ? ", shared by every group" : ", one per group");
                out().flush();
            }
        }
    }

    @Command(name = "remove", description = "Remove a room definition; members already in it stay until they leave.")
    static final class Remove extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        void run(AdminClient client) throws Exception {
            client.delete("/v1/rooms/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
            if (json) {
                Printer.json(out(), Map.of("removed", name));
            } else {
                out().printf("room %s removed%n", name);
                out().flush();
            }
        }
    }

    @Command(name = "list", description = "Defined rooms and rooms in use, with their members.")
    static final class ListRooms extends AdminCommand {
        @Override
        void run(AdminClient client) throws Exception {
            List<Room> defined = client.get("/v1/rooms/defined", new TypeReference<List<Room>>() {});
            List<RoomView> live = client.get("/v1/rooms", new TypeReference<List<RoomView>>() {});
            Map<String, List<String>> rows = new LinkedHashMap<>();
            for (Room room : defined) {
                rows.put(room.name(), new ArrayList<>(List.of(room.name(), Integer.toString(room.capacity()),
                        room.shared() ? "shared" : "per group", "-", "-")));
            }
            for (RoomView view : live) {
                String key = view.room() + "@" + view.scope();
                List<String> row = rows.containsKey(view.room()) && rows.get(view.room()).get(3).equals("-")
                        ? rows.get(view.room())
                        : rows.computeIfAbsent(key, k -> new ArrayList<>(List.of(view.room(),
                                Integer.toString(view.capacity()), "ad hoc", "-", "-")));
                row.set(3, view.scope().equals("*") ? "all" : view.scope());
                row.set(4, String.join(", ", view.names()));
            }
            if (json) {
                Printer.json(out(), Map.of("defined", defined, "live", live));
            } else {
                Printer.table(out(), List.of("ROOM", "CAPACITY", "KIND", "GROUPS", "MEMBERS"),
                        List.copyOf(rows.values()));
            }
        }
    }
}
