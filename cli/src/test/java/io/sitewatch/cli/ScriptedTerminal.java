package io.sitewatch.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;

/**
 * A terminal over pipes: the test types keys and reads everything the shell wrote. Polls, never sleeps. A dumb
 * one is what a shell gets with TERM=dumb; an xterm one edits lines (and completes) as over SSH.
 */
public final class ScriptedTerminal implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern ESCAPES = Pattern.compile("\u001b(\\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>])");

    private final PipedOutputStream keys = new PipedOutputStream();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    public final Terminal terminal;

    public ScriptedTerminal(String type) throws IOException {
        PipedInputStream in = new PipedInputStream(keys, 64 * 1024);
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (written) {
                    written.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (written) {
                    written.write(b, off, len);
                }
            }
        };
        // Built directly: TerminalBuilder would put a pseudo-terminal between the pipes and the shell.
        terminal = new ExternalTerminal("test", type, in, out, StandardCharsets.UTF_8);
        terminal.setSize(new Size(120, 40));
    }

    public void type(String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    public String screen() {
        synchronized (written) {
            return written.toString(StandardCharsets.UTF_8);
        }
    }

    /** Everything written, without escape sequences: what a full-screen view drew, as text runs. */
    public String text() {
        return ESCAPES.matcher(screen()).replaceAll("");
    }

    /** Waits until the output, escape sequences left out, shows this; for full-screen views. */
    public void awaitText(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (text().contains(expected)) {
                return;
            }
            Thread.sleep(10); // polling for output, with a deadline
        }
        throw new AssertionError("no '" + expected + "' within " + WAIT + "; the text:\n" + text());
    }

    /** Waits until the shell has written this (after {@code from} characters of output); returns all output. */
    public String await(String expected, int from) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String screen = screen();
            if (screen.indexOf(expected, from) >= 0) {
                return screen;
            }
            Thread.sleep(10); // polling for output, with a deadline: nothing here depends on timing
        }
        throw new AssertionError("no '" + expected + "' within " + WAIT + "; the screen:\n" + screen());
    }

    public String await(String expected) throws InterruptedException {
        return await(expected, 0);
    }

    @Override
    public void close() throws IOException {
        keys.close();
        terminal.close();
    }
}
