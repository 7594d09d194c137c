package io.sitewatch.cli.commands;

import io.sitewatch.appliance.admin.AdminServer;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import io.sitewatch.cli.client.AdminTransport;
import io.sitewatch.cli.client.SocketTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What commands need besides their arguments, the same in one-shot runs and in the shell: the way to the
 * appliance, the person's terminal (for questions, passwords and full-screen views) and the shell's live
 * completion values. One per command tree, held by its root command.
 */
public final class Context implements AutoCloseable {

    /** The root command of a tree; commands find their context through it. */
    public interface Holder {
        Context context();
    }

    /** Opens the admin API of the appliance that keeps its state in a data directory. */
    @FunctionalInterface
    public interface Connector {
        AdminTransport connect(Path dataDir) throws AdminException;
    }

    /** Supplies the interactive terminal, or nothing when input or output is not one (pipes, tests). */
    @FunctionalInterface
    public interface Terminals {
        Optional<Terminal> open() throws IOException;
    }

    private final Connector connector;
    private final Terminals terminals;
    private final LiveValues live = new LiveValues();
    private Terminal terminal;
    private boolean terminalOpened;
    private boolean ownsTerminal;
    private boolean inShell;

    public Context(Connector connector, Terminals terminals) {
        this.connector = Objects.requireNonNull(connector);
        this.terminals = Objects.requireNonNull(terminals);
    }

    /** The admin socket in the data directory, and the system terminal when there is one. */
    public static Context standard() {
        return new Context(dir -> new SocketTransport(dir.resolve(AdminServer.SOCKET_NAME)), Context::systemTerminal);
    }

    public static Context of(CommandSpec spec) {
        return ((Holder) spec.root().userObject()).context();
    }

    public AdminClient connect(Path dataDir) throws AdminException {
        return new AdminClient(connector.connect(dataDir));
    }

    /** The terminal of the person running the command, if they have one. */
    public Optional<Terminal> terminal() {
        if (!terminalOpened) {
            terminalOpened = true;
            try {
                terminal = terminals.open().orElse(null);
                ownsTerminal = terminal != null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the terminal", e);
            }
        }
        return Optional.ofNullable(terminal);
    }

    /** Whether the terminal can draw colours (not a dumb terminal). */
    public boolean capableTerminal() {
        return terminal().filter(t -> !t.getType().startsWith(Terminal.TYPE_DUMB)).isPresent();
    }

    /** Reads a secret without echo; refuses when nobody can type one. */
    public String secret(String prompt, String whatToUseInstead) {
        String answer = ask(prompt, LineReaderImpl.NULL_MASK, whatToUseInstead);
        if (answer.isEmpty()) {
            throw new IllegalArgumentException("nothing entered");
        }
        return answer;
    }

    /** Asks a yes/no question; no answer (or no terminal) is no. */
    public boolean confirm(String question, String whatToUseInstead) {
        String answer = ask(question + " [y/N] ", null, whatToUseInstead).strip().toLowerCase();
        return answer.equals("y") || answer.equals("yes");
    }

    private String ask(String prompt, Character mask, String whatToUseInstead) {
        Terminal t = terminal().orElseThrow(() -> new IllegalArgumentException("no terminal to ask on; "
                + whatToUseInstead));
        // A reader of its own: answers must not land in the shell's history.
        LineReader reader = LineReaderBuilder.builder().terminal(t).variable(LineReader.DISABLE_HISTORY, true).build();
        try {
            return reader.readLine(prompt, mask);
        } catch (UserInterruptException | EndOfFileException e) {
            return "";
        }
    }

    public LiveValues live() {
        return live;
    }

    public boolean inShell() {
        return inShell;
    }

    /** From now on commands run inside the shell, on its terminal (null when it reads a script). */
    public void enterShell(Terminal shellTerminal) {
        inShell = true;
        terminalOpened = true;
        terminal = shellTerminal;
        ownsTerminal = false;
    }

    @Override
    public void close() {
        live.disable();
        if (ownsTerminal && terminal != null) {
            try {
                terminal.close();
            } catch (IOException e) {
                // the process is ending
            }
        }
    }

    /**
     * The system terminal when both standard input and output are one. The exec provider needs no native code
     * (it runs stty), so it works from the fat jar on any Linux box without unpacking libraries.
     */
    private static Optional<Terminal> systemTerminal() throws IOException {
        if (System.console() == null) {
            return Optional.empty();
        }
        return Optional.of(TerminalBuilder.builder().system(true).provider("exec").dumb(true).build());
    }
}
