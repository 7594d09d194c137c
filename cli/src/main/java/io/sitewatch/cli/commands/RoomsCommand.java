package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sitewatch.appliance.signal.SignalViews.RoomView;
import io.sitewatch.appliance.signal.SignalViews.SessionView;
import io.sitewatch.cli.client.AdminClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rooms", description = "Operators' voice rooms and who is in them (a room exists while it has members).")
public final class RoomsCommand extends AdminCommand {

    @Parameters(arity = "0..1", paramLabel = "ROOM", completionCandidates = LiveCandidates.RoomNames.class,
            description = "Only this room.")
    String only;

    @Override
    void run(AdminClient client) throws Exception {
        List<RoomView> rooms = client.get("/v1/rooms", new TypeReference<List<RoomView>>() {}).stream()
                .filter(r -> only == null || only.equals(r.room())).toList();
        if (only != null && rooms.isEmpty()) {
            throw new IllegalArgumentException("no room '" + only + "' (rooms exist while someone is in them)");
        }
        if (json) {
            Printer.json(out(), rooms);
            return;
        }
        Map<String, SessionView> sessions = client.get("/v1/sessions", new TypeReference<List<SessionView>>() {})
                .stream().collect(Collectors.toMap(SessionView::sessionId, Function.identity()));
        List<List<String>> rows = new ArrayList<>();
        for (RoomView r : rooms) {
            String members = r.members().stream()
                    .map(id -> sessions.containsKey(id) ? sessions.get(id).id() + " (" + id + ")" : id)
                    .collect(Collectors.joining(", "));
            rows.add(List.of(r.room(), r.members().size() + "/" + r.capacity(), members));
        }
        Printer.table(out(), List.of("ROOM", "MEMBERS", "WHO"), rows);
    }
}
