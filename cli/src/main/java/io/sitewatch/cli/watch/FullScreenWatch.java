package io.sitewatch.cli.watch;

import io.sitewatch.appliance.admin.dto.AdminDto.EventView;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * The live view on the alternate screen: redrawn in place (only changed cells are sent) when events arrive, keys
 * are pressed, the terminal is resized or the clock ticks. If the stream breaks it says so and reconnects,
 * reading a fresh snapshot. Leaves the terminal as it found it, also when interrupted (Ctrl-C).
 */
public final class FullScreenWatch {

    private static final long RECONNECT_NANOS = 2_000_000_000L;
    /** How far back the event tail starts when the view opens. */
    private static final Duration RECENT = Duration.ofMinutes(10);
    private static final int ESC = 27;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Terminal terminal;
    private final AdminClient client;
    private final String appliance;
    private final WatchModel model = new WatchModel();
    private EventFeed feed;
    private String filter = "";
    private String editing;
    private WatchScreen.Sort sort = WatchScreen.Sort.STATE;
    private String notice;
    private long reconnectAt;
    private volatile boolean resized;

    public FullScreenWatch(Terminal terminal, AdminClient client, String appliance) {
        this.terminal = terminal;
        this.client = client;
        this.appliance = appliance;
    }

    public void run() throws AdminException, IOException {
        connect(true);
        Attributes saved = terminal.enterRawMode();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.WINCH, s -> resized = true);
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.cursor_invisible);
        try {
            loop(new Display(terminal, true));
        } finally {
            // Restoring the terminal runs stty, which an interrupted thread cannot wait for: set the flag again after.
            boolean interrupted = Thread.interrupted();
            feed.close();
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.exit_ca_mode);
            terminal.handle(Terminal.Signal.WINCH, previous);
            terminal.setAttributes(saved);
            terminal.flush();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop(Display display) throws IOException {
        NonBlockingReader keys = terminal.reader();
        Size size = terminal.getSize();
        display.resize(size.getRows(), size.getColumns());
        String drawnAt = "";
        while (!Thread.currentThread().isInterrupted()) {
            boolean changed = follow();
            if (resized) {
                resized = false;
                size = terminal.getSize();
                display.clear();
                display.resize(size.getRows(), size.getColumns());
                changed = true;
            }
            String now = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).format(CLOCK);
            if (changed || !now.equals(drawnAt)) {
                // A list of its own: Display edits the lines it was given when it scrolls them next time.
                display.update(new ArrayList<>(WatchScreen.draw(model, view(), now, size.getColumns(),
                        size.getRows())), -1);
                terminal.flush();
                drawnAt = now;
            }
            int key;
            try {
                key = keys.read(200);
            } catch (InterruptedIOException e) {
                return;
            }
            if (key == NonBlockingReader.EOF || !key(key, keys)) {
                return;
            }
            if (key != NonBlockingReader.READ_EXPIRED) {
                drawnAt = ""; // show what the key changed at once
            }
        }
    }

    /** Applies what arrived; reconnects when the stream broke. Whether anything changed. */
    private boolean follow() {
        boolean changed = false;
        for (EventView event : feed.drain()) {
            model.apply(event);
            changed = true;
        }
        if (feed.ended() && System.nanoTime() >= reconnectAt) {
            feed.close();
            try {
                connect(false);
                notice = null;
            } catch (AdminException e) {
                notice = e.getMessage() + "; retrying";
                reconnectAt = System.nanoTime() + RECONNECT_NANOS;
            }
            changed = true;
        }
        return changed;
    }

    /** Opens the stream first, then reads the snapshot, so nothing happens unseen in between. */
    private void connect(boolean first) throws AdminException {
        EventFeed opened = EventFeed.open(client, "/v1/events?follow=true&stats=true&limit=" + (first ? 200 : 0)
                + "&since=" + Instant.now().minus(RECENT));
        try {
            model.load(WatchModel.Snapshot.read(client));
        } catch (AdminException e) {
            opened.close();
            throw e;
        }
        feed = opened;
    }

    /** Handles one key; false to quit. */
    private boolean key(int key, NonBlockingReader keys) throws IOException {
        if (key == NonBlockingReader.READ_EXPIRED) {
            return true;
        }
        if (editing != null) {
            edit(key, keys);
            return true;
        }
        switch (key) {
            case 'q', 'Q', 3 -> {
                return false;
            }
            case '/' -> editing = filter;
            case 's', 'S' -> sort = sort.next();
            case 'r', 'R' -> {
                feed.close();
                reconnectAt = 0;
            }
            case ESC -> skipSequence(keys);
            default -> { }
        }
        return true;
    }

    private void edit(int key, NonBlockingReader keys) throws IOException {
        if (key == '\r' || key == '\n') {
            filter = editing.strip();
            editing = null;
        } else if (key == ESC) {
            editing = null;
            skipSequence(keys);
        } else if (key == 127 || key == 8) {
            editing = editing.isEmpty() ? editing : editing.substring(0, editing.length() - 1);
        } else if (key >= ' ') {
            editing += (char) key;
        }
    }

    /** Arrow and function keys arrive as ESC plus a few characters at once; they mean nothing here. */
    private static void skipSequence(NonBlockingReader keys) throws IOException {
        while (keys.peek(20) >= 0) {
            keys.read();
        }
    }

    private WatchScreen.View view() {
        return new WatchScreen.View(appliance, filter, sort, editing, notice);
    }
}
