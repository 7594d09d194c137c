package io.sitewatch.appliance.http;

import io.sitewatch.appliance.signal.Credentials;
import io.sitewatch.appliance.signal.SignalViews.RoomView;
import io.sitewatch.appliance.store.Room;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/rooms} with an operator token: the voice rooms the intercom offers (the
 * default room, the admin's rooms and any room in use) with capacity and members.
 */
final class RoomsHandler extends Handler.Abstract {

    record Member(String sessionId, String name) {}

    record RoomEntry(String name, int capacity, boolean defined, List<Member> members) {}

    private final Credentials credentials;
    private final String defaultRoom;
    private final Supplier<List<Room>> defined;
    private final Supplier<List<RoomView>> live;
    private final ToIntFunction<String> capacity;

    RoomsHandler(Credentials credentials, String defaultRoom, Supplier<List<Room>> defined,
                 Supplier<List<RoomView>> live, ToIntFunction<String> capacity) {
        this.credentials = credentials;
        this.defaultRoom = defaultRoom;
        this.defined = defined;
        this.live = live;
        this.capacity = capacity;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        java.util.Optional<io.sitewatch.appliance.signal.Identity> operator =
                OperatorAuth.require(request, response, callback, credentials);
        if (operator.isEmpty()) {
            return true;
        }
        String scope = operator.get().roomScope();
        Map<String, RoomEntry> rooms = new LinkedHashMap<>();
        rooms.put(defaultRoom, new RoomEntry(defaultRoom, capacity.applyAsInt(defaultRoom), false, List.of()));
        for (Room room : defined.get()) {
            rooms.put(room.name(), new RoomEntry(room.name(), room.capacity(), true, List.of()));
        }
        for (RoomView view : live.get()) {
            if (!view.scope().equals(scope) && !view.scope().equals("*")) {
                continue; // another team's room of the same name
            }
            List<Member> members = new ArrayList<>();
            for (int i = 0; i < view.members().size(); i++) {
                members.add(new Member(view.members().get(i), view.names().get(i)));
            }
            RoomEntry known = rooms.get(view.room());
            rooms.put(view.room(), new RoomEntry(view.room(), view.capacity(), known != null && known.defined(),
                    members));
        }
        HttpJson.send(response, callback, HttpStatus.OK_200, Map.of("defaultRoom", defaultRoom,
                "rooms", List.copyOf(rooms.values())));
        return true;
    }
}
