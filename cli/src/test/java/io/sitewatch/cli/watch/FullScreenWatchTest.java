package io.sitewatch.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.cli.AdminFixtures;
import io.sitewatch.cli.FakeAdmin;
import io.sitewatch.cli.Main;
import io.sitewatch.cli.ScriptedTerminal;
import io.sitewatch.cli.client.AdminException;
import io.sitewatch.cli.commands.Context;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.jline.utils.InfoCmp.Capability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code watch} on an xterm over pipes: drawn from snapshot and events, keys, reconnection, a clean exit. */
class FullScreenWatchTest {

    static final String SITE_ONLINE = "{\"seq\":0,\"at\":\"2026-11-23T08:00:01Z\",\"kind\":\"session-open\","
            + "\"session\":\"s1\",\"detail\":\"site yard-1 (s1) from 10.0.0.5:4000\","
            + "\"data\":{\"role\":\"site\",\"id\":\"yard-1\",\"name\":\"North yard\",\"remote\":\"10.0.0.5:4000\"}}";

    final FakeAdmin admin = new FakeAdmin()
            .answer("GET /v1/status", AdminFixtures.STATUS)
            .answer("GET /v1/sites", "[{\"id\":\"yard-1\",\"name\":\"North yard\",\"group\":\"default\","
                    + "\"enabled\":true,\"online\":false}]")
            .answer("GET /v1/sessions", "[]").answer("GET /v1/links", "[]").answer("GET /v1/control", "[]")
            .stream("/v1/events", SITE_ONLINE);
    ScriptedTerminal screen;
    CompletableFuture<Integer> view;

    /** {@code sitewatch watch} on a capable terminal. */
    void open() throws Exception {
        screen = new ScriptedTerminal("xterm-256color");
        Context context = admin.contextWith(screen.terminal);
        view = CompletableFuture.supplyAsync(() -> Main.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), context).execute("watch"));
    }

    @AfterEach
    void close() throws Exception {
        view.cancel(true);
        screen.close();
    }

    @Test
    void aSiteComingOnlineIsShownInPlaceAndQLeavesTheScreenAsItWas() throws Exception {
        open();
        screen.awaitText("yard-1  North yard  online");
        screen.awaitText("session-open");
        List<String> paths = admin.calls.stream().map(FakeAdmin.Call::path).toList();
        assertThat(paths.indexOf("/v1/sites")).as("the stream opens before the snapshot is read")
                .isGreaterThan(paths.indexOf(paths.stream().filter(p -> p.startsWith("/v1/events?follow=true&stats=true"))
                        .findFirst().orElseThrow()));
        screen.type("q");
        assertThat(view.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(screen.screen()).endsWith(capability(Capability.exit_ca_mode));
    }

    @Test
    void whenTheStreamBreaksItSaysSoAndComesBackWithAFreshSnapshot() throws Exception {
        CountDownLatch applianceStops = new CountDownLatch(1);
        admin.streamsEndOn = applianceStops;
        open();
        screen.awaitText("yard-1  North yard  online");
        admin.failWith(new AdminException.NotRunning("the appliance is not running"));
        applianceStops.countDown();
        screen.awaitText("the appliance is not running; retrying");
        admin.streamsEndOn = null;
        admin.failWith(null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (admin.calls.stream().filter(c -> c.method().equals("STREAM")).count() < 2
                && System.nanoTime() < deadline) {
            Thread.sleep(10); // polling for the retry, with a deadline
        }
        assertThat(admin.calls.stream().filter(c -> c.method().equals("STREAM"))).hasSize(2);
        screen.terminal.raise(Terminal.Signal.INT); // Ctrl-C
        assertThat(view.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(screen.screen()).endsWith(capability(Capability.exit_ca_mode));
    }

    String capability(Capability capability) {
        return org.jline.utils.Curses.tputs(screen.terminal.getStringCapability(capability));
    }
}
