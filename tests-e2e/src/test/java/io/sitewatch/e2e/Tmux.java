package io.sitewatch.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real pseudo-terminal for the interactive shell: a tmux server of the test's own (its own socket, so nothing
 * else is touched), one window of a fixed size, keys sent and the screen read back as the person would see it.
 */
final class Tmux implements AutoCloseable {

    static final Path TMUX = Path.of("/usr/bin/tmux");
    static final Duration WAIT = Duration.ofSeconds(30);

    private final String server = "sitewatch-e2e-" + UUID.randomUUID();
    private Path socket;

    /** Runs the command in a new window of this size; the window closes when the command exits. */
    static Tmux start(int columns, int rows, List<String> command) throws Exception {
        if (!Files.isExecutable(TMUX)) {
            throw new AssertionError("this test drives the shell through tmux: install it (apt-get install tmux)");
        }
        Tmux tmux = new Tmux();
        List<String> args = new ArrayList<>(List.of("new-session", "-d", "-s", "shell", "-x", Integer.toString(columns),
                "-y", Integer.toString(rows)));
        args.add(String.join(" ", command.stream().map(Tmux::quote).toList()));
        tmux.tmux(args.toArray(String[]::new));
        tmux.socket = Path.of(tmux.tmux("display-message", "-p", "#{socket_path}").strip());
        return tmux;
    }

    void keys(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "shell"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** Text typed literally (no key names). */
    void type(String text) throws Exception {
        tmux("send-keys", "-t", "shell", "-l", text);
    }

    String screen() throws Exception {
        return tmux("capture-pane", "-p", "-t", "shell");
    }

    /** Waits until some line of the screen matches; returns the screen. */
    String await(Predicate<String> line) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = screen();
            if (screen.lines().anyMatch(line)) {
                return screen;
            }
            Thread.sleep(50); // polling the screen, with a deadline
        }
        throw new AssertionError("no matching line on the screen within " + WAIT + ":\n" + screen);
    }

    /** Whether the window is gone because its command exited. */
    boolean ended() throws Exception {
        return run("has-session", "-t", "shell").exitValue() != 0;
    }

    private String tmux(String... args) throws Exception {
        Process p = run(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("tmux " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    private Process run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TMUX.toString(), "-L", server));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tmux did not answer: " + command);
        }
        return p;
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Stops this test's tmux server only, and with it whatever still runs in its window; removes its socket. */
    @Override
    public void close() throws Exception {
        run("kill-server");
        if (socket != null) {
            Files.deleteIfExists(socket);
        }
    }
}
