package io.sitewatch.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.cli.AdminFixtures;
import io.sitewatch.cli.FakeAdmin;
import io.sitewatch.cli.Main;
import io.sitewatch.cli.ScriptedTerminal;
import io.sitewatch.cli.client.AdminException;
import io.sitewatch.cli.commands.Context;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interactive shell on a scripted dumb terminal, against an in-memory admin API. */
class ShellTest {

    @TempDir
    Path dataDir;

    final FakeAdmin admin = new FakeAdmin()
            .answer("GET /v1/status", AdminFixtures.STATUS)
            .answer("GET /v1/sites", "[" + AdminFixtures.SITE + ",{\"id\":\"west-2\",\"name\":\"West\","
                    + "\"group\":\"default\",\"enabled\":true,\"online\":false}]")
            .answer("GET /v1/sites/yard-1", AdminFixtures.SITE);
    ScriptedTerminal keyboard;
    CompletableFuture<Integer> shell;

    void start() throws Exception {
        start(Terminal.TYPE_DUMB);
    }

    void start(String type) throws Exception {
        keyboard = new ScriptedTerminal(type);
        Context context = admin.contextWith(keyboard.terminal);
        shell = CompletableFuture.supplyAsync(() -> Main.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), context).execute("shell", "--data-dir", dataDir.toString()));
        keyboard.await(type.equals(Terminal.TYPE_DUMB) ? "sitewatch[box ✓ 3/4 sites 2 ops]> "
                : "3/4 sites 2 ops]> "); // the tick is coloured on a capable terminal
    }

    @AfterEach
    void stop() throws Exception {
        if (keyboard != null) {
            keyboard.close();
        }
        if (shell != null) {
            shell.cancel(true);
        }
    }

    int leave() throws Exception {
        keyboard.type("exit\n");
        return shell.get(10, TimeUnit.SECONDS);
    }

    @Test
    void tabCompletesALiveSiteIdAndTheLineRunsAsAOneShotCommandWould() throws Exception {
        start("xterm-256color");
        keyboard.type("site show ya\t");
        keyboard.await("rd-1"); // what completion added to the line
        keyboard.type("\n");
        keyboard.await("name:      North yard");
        assertThat(admin.calls).anyMatch(c -> c.path().equals("/v1/sites/yard-1"));
        assertThat(leave()).isZero();
    }

    @Test
    void ctrlCCancelsTheRunningCommandAndTheShellCarriesOn() throws Exception {
        admin.stream("/v1/events", "{\"seq\":1,\"at\":\"2026-11-23T08:00:01Z\",\"kind\":\"restore\","
                + "\"detail\":\"0 sessions\"}");
        start();
        keyboard.type("events --follow\n");
        assertThat(admin.streaming.await(10, TimeUnit.SECONDS)).isTrue();
        keyboard.await("0 sessions");
        keyboard.terminal.raise(Terminal.Signal.INT);
        int mark = keyboard.screen().length();
        keyboard.type("status\n");
        keyboard.await("sitewatch 1.2.3, up", mark);
        assertThat(leave()).isZero();
    }

    @Test
    void ctrlDLeaves() throws Exception {
        start();
        keyboard.type("\u0004");
        assertThat(shell.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void mistakesAreOneLineAndTheShellKeepsRunning() throws Exception {
        admin.refuse("GET /v1/sites/ghost", 404, "no site 'ghost'");
        start();
        keyboard.type("site show ghost\n");
        keyboard.await("sitewatch: no site 'ghost'");
        keyboard.type("site shw\n");
        keyboard.await("(see 'site --help')");
        keyboard.type("serve\n");
        keyboard.await("sitewatch: 'serve' does not run inside the shell");
        keyboard.type("operator passwd ann --password-stdin\n");
        keyboard.await("--password-stdin does not work inside the shell");
        keyboard.type("site list --help\n");
        keyboard.await("Usage: sitewatch site list");
        assertThat(keyboard.screen()).doesNotContain("Exception");
        assertThat(leave()).isZero();
    }

    @Test
    void passwordsAreAskedTwiceWithoutEchoAndKeptOutOfHistory() throws Exception {
        admin.answer("POST /v1/operators", "{\"name\":\"ann\",\"groups\":null,\"sessions\":0}");
        start();
        keyboard.type("operator add ann\n");
        keyboard.await("password for ann: ");
        keyboard.type("s3cret-password\n");
        keyboard.await("again: ");
        keyboard.type("s3cret-password\n");
        keyboard.await("operator ann added");
        assertThat(admin.calls).anyMatch(c -> c.method().equals("POST") && c.body().contains("s3cret-password"));
        assertThat(leave()).isZero();
        assertThat(keyboard.screen()).doesNotContain("s3cret-password");
        Path history = dataDir.resolve(Shell.HISTORY);
        assertThat(Files.readString(history)).contains("operator add ann").doesNotContain("s3cret-password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history))).isEqualTo("rw-------");
    }

    @Test
    void thePromptSaysWhenTheApplianceIsNotRunning() throws Exception {
        admin.failWith(new AdminException.NotRunning("the appliance is not running"));
        keyboard = new ScriptedTerminal(Terminal.TYPE_DUMB);
        Context context = admin.contextWith(keyboard.terminal);
        shell = CompletableFuture.supplyAsync(() -> Main.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), context).execute("shell", "--data-dir", dataDir.toString()));
        keyboard.await("sitewatch[✗ not running]> ");
        keyboard.type("status\n");
        keyboard.await("sitewatch: the appliance is not running");
        assertThat(leave()).isZero();
    }

    @Test
    void withoutATerminalLinesAreReadAsAScriptAndTheLastFailureIsTheExitStatus() {
        admin.refuse("GET /v1/sites/ghost", 404, "no site 'ghost'");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream("site show yard-1\n# a comment\n\nsite show ghost\nstatus\n"
                .getBytes(StandardCharsets.UTF_8)));
        int exit;
        try (Context context = admin.context()) {
            exit = Main.commandLine(new PrintWriter(out), new PrintWriter(err), context)
                    .execute("shell", "--data-dir", dataDir.toString());
        } finally {
            System.setIn(original);
        }
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("North yard", "sitewatch 1.2.3").doesNotContain("]>");
        assertThat(err.toString()).isEqualTo("sitewatch: no site 'ghost'\n");
    }
}
