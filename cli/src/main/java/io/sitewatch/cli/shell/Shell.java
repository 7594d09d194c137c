package io.sitewatch.cli.shell;

import io.sitewatch.cli.commands.CommandFactory;
import io.sitewatch.cli.commands.Context;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.shell.jline3.PicocliJLineCompleter;

/**
 * {@code sitewatch shell}: the one-shot command tree, read from a line editor. Each line runs exactly as the same
 * words would after {@code sitewatch}, with the shell's data directory as the default. Without a terminal the
 * lines come from standard input, without prompts, so the shell can run a script.
 */
public final class Shell {

    public static final String HISTORY = ".shell_history";
    private static final Set<String> LEAVE = Set.of("exit", "quit");
    /** Commands that make no sense inside: a second shell, or the appliance itself. */
    private static final Set<String> NOT_HERE = Set.of("shell", "serve");

    private final CommandLine root;
    private final Context context;
    private final Path dataDir;
    private final Parser parser = new DefaultParser();

    public Shell(CommandLine root, Context context, Path dataDir) {
        this.root = root;
        this.context = context;
        this.dataDir = dataDir;
        root.setDefaultValueProvider(arg -> arg.isOption() && ((OptionSpec) arg).longestName().equals("--data-dir")
                ? dataDir.toString() : null);
    }

    /** Reads commands from the person at the terminal until Ctrl-D or {@code exit}. */
    public int interactive(Terminal terminal) {
        context.enterShell(terminal);
        context.live().enable(() -> context.connect(dataDir), Clock.systemUTC());
        root.setOut(terminal.writer());
        root.setErr(terminal.writer());
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("sitewatch")
                .parser(parser).completer(completer())
                .variable(LineReader.HISTORY_FILE_SIZE, 5000)
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true); // a '!' in a site name stays a '!'
        historyFile(terminal.writer()).ifPresent(file -> builder.variable(LineReader.HISTORY_FILE, file));
        LineReader reader = builder.build();
        Prompt prompt = new Prompt(context, dataDir, terminal);
        terminal.writer().println("sitewatch shell on " + dataDir.toAbsolutePath().normalize() + ": 'help' lists "
                + "the commands, Tab completes, Ctrl-C cancels a command, Ctrl-D leaves.");
        while (true) {
            String line;
            try {
                line = reader.readLine(prompt.text());
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                return 0;
            }
            List<String> words = words(reader.getParsedLine());
            if (!words.isEmpty() && LEAVE.contains(words.get(0))) {
                return 0;
            }
            if (!words.isEmpty()) {
                runCancellable(words, terminal);
                context.live().forget();
                prompt.refresh();
            }
        }
    }

    /**
     * Runs each line of a script, as if typed; blank lines and {@code #} comments are skipped. The exit status is
     * that of the last command that failed, or 0.
     */
    public int script(BufferedReader lines) throws IOException {
        context.enterShell(null);
        int status = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            List<String> words;
            try {
                words = words(parser.parse(line, line.length(), Parser.ParseContext.ACCEPT_LINE));
            } catch (SyntaxError e) {
                root.getErr().println("sitewatch: cannot read '" + line + "': " + e.getMessage());
                root.getErr().flush();
                status = 2;
                continue;
            }
            if (words.isEmpty()) {
                continue;
            }
            if (LEAVE.contains(words.get(0))) {
                break;
            }
            int code = execute(words);
            status = code == 0 ? status : code;
        }
        return status;
    }

    /** Runs a command on a thread of its own, which Ctrl-C interrupts; the shell itself carries on. */
    private void runCancellable(List<String> words, Terminal terminal) {
        FutureTask<Integer> command = new FutureTask<>(() -> execute(words));
        Thread worker = new Thread(command, "shell-command");
        worker.setDaemon(true);
        AtomicBoolean cancelled = new AtomicBoolean();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> {
            cancelled.set(true);
            worker.interrupt();
        });
        worker.start();
        try {
            command.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            root.getErr().println("sitewatch: " + e.getCause());
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            if (cancelled.get()) {
                root.getErr().println(); // the terminal echoed ^C where the output stopped
            }
            root.getErr().flush();
        }
    }

    private int execute(List<String> words) {
        if (NOT_HERE.contains(words.get(0))) {
            root.getErr().println("sitewatch: '" + words.get(0) + "' does not run inside the shell");
            root.getErr().flush();
            return 2;
        }
        return root.execute(words.toArray(String[]::new));
    }

    /**
     * Commands, options and live values from picocli, and the shell's own words. Options only once a dash is
     * typed, so Tab after a command lists what comes next rather than --help and --json; nothing that does not
     * run here. picocli completes by parsing the line with a new CommandLine around the tree it is given, which
     * would take the shell's writers away from the commands: it gets a tree of its own.
     */
    private Completer completer() {
        CommandLine tree = new CommandLine(root.getCommandSpec().userObject(), new CommandFactory(context));
        Completer commands = new PicocliJLineCompleter(tree.getCommandSpec());
        return (reader, line, candidates) -> {
            List<Candidate> found = new ArrayList<>();
            commands.complete(reader, line, found);
            boolean firstWord = line.wordIndex() == 0;
            boolean option = line.word().startsWith("-");
            found.stream()
                    .filter(c -> option || !c.value().startsWith("-"))
                    .filter(c -> !(firstWord && NOT_HERE.contains(c.value())))
                    .forEach(candidates::add);
            if (firstWord) {
                LEAVE.forEach(word -> candidates.add(new Candidate(word)));
            }
        };
    }

    private static List<String> words(ParsedLine line) {
        return line.words().stream().filter(w -> !w.isEmpty()).toList();
    }

    /** The history file, created owner-only like everything in the data directory; none if it cannot be. */
    private Optional<Path> historyFile(PrintWriter out) {
        Path file = dataDir.resolve(HISTORY);
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            if (Files.isWritable(file)) {
                return Optional.of(file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // said below
        }
        out.println("(history is not kept: cannot write " + file + ")");
        return Optional.empty();
    }
}
