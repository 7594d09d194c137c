package io.sitewatch.cli.watch;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The admin event stream read on a thread of its own, so the screen can wait for keys and events at once. The
 * stream is open (and no event can be missed) once {@link #open} returns.
 */
final class EventFeed implements AutoCloseable {

    private final AdminClient.Lines lines;
    private final LinkedBlockingQueue<EventView> queue = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;

    private EventFeed(AdminClient.Lines lines) {
        this.lines = lines;
        this.reader = new Thread(this::read, "watch-events");
        reader.setDaemon(true);
    }

    static EventFeed open(AdminClient client, String path) throws AdminException {
        EventFeed feed = new EventFeed(client.lines(path));
        feed.reader.start();
        return feed;
    }

    private void read() {
        try {
            for (JsonNode line = lines.next(); line != null; line = lines.next()) {
                queue.add(AdminClient.JSON.convertValue(line, EventView.class));
            }
        } catch (AdminException e) {
            // the appliance went away; the view says so and reconnects
        } finally {
            ended = true;
        }
    }

    /** The events that arrived since the last call. */
    List<EventView> drain() {
        List<EventView> events = new ArrayList<>();
        queue.drainTo(events);
        return events;
    }

    /** The appliance closed the stream (it stopped, or this follower fell behind) and every event was drained. */
    boolean ended() {
        return ended && queue.isEmpty();
    }

    @Override
    public void close() {
        lines.close();
        reader.interrupt();
    }
}
