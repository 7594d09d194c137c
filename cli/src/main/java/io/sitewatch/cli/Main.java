package io.sitewatch.cli;

import io.sitewatch.appliance.Version;
import io.sitewatch.appliance.backup.BackupException;
import io.sitewatch.appliance.config.ConfigException;
import io.sitewatch.cli.client.AdminException;
import io.sitewatch.cli.commands.BackupCommand;
import io.sitewatch.cli.commands.CertCommand;
import io.sitewatch.cli.commands.CommandFactory;
import io.sitewatch.cli.commands.CompletionCommand;
import io.sitewatch.cli.commands.ConfigCommand;
import io.sitewatch.cli.commands.Context;
import io.sitewatch.cli.commands.ControlCommand;
import io.sitewatch.cli.commands.DiscoverCommand;
import io.sitewatch.cli.commands.DoctorCommand;
import io.sitewatch.cli.commands.EventsCommand;
import io.sitewatch.cli.commands.GroupCommand;
import io.sitewatch.cli.commands.KickCommand;
import io.sitewatch.cli.commands.LinksCommand;
import io.sitewatch.cli.commands.LoadtestCommand;
import io.sitewatch.cli.commands.ManCommand;
import io.sitewatch.cli.commands.OperatorCommand;
import io.sitewatch.cli.commands.RecordingsCommand;
import io.sitewatch.cli.commands.ReleaseCommand;
import io.sitewatch.cli.commands.RestoreCommand;
import io.sitewatch.cli.commands.RoomCommand;
import io.sitewatch.cli.commands.RoomsCommand;
import io.sitewatch.cli.commands.ServeCommand;
import io.sitewatch.cli.commands.SessionsCommand;
import io.sitewatch.cli.commands.ShellCommand;
import io.sitewatch.cli.commands.SiteCommand;
import io.sitewatch.cli.commands.StatusCommand;
import io.sitewatch.cli.commands.WatchCommand;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sitewatch}: the one entry point of the fat jar. The only place that calls {@link System#exit}. */
@Command(name = "sitewatch", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = "On-prem appliance for live multi-site monitoring over WebRTC.",
        subcommands = {ServeCommand.class, ShellCommand.class, StatusCommand.class, SiteCommand.class,
                GroupCommand.class, OperatorCommand.class, SessionsCommand.class, LinksCommand.class,
                ControlCommand.class, RoomsCommand.class, RoomCommand.class, WatchCommand.class, KickCommand.class,
                ReleaseCommand.class, EventsCommand.class, CertCommand.class, ConfigCommand.class,
                CompletionCommand.class, ManCommand.class, DiscoverCommand.class, BackupCommand.class,
                RestoreCommand.class, DoctorCommand.class, RecordingsCommand.class, LoadtestCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  done", "  1  refused or failed (the message says why)", "  2  bad arguments",
                "  3  the appliance is not running", "  4  permission denied on the admin socket"})
public final class Main implements Context.Holder {

    public static final int REFUSED = 1;
    public static final int NOT_RUNNING = 3;
    public static final int DENIED = 4;

    private final Context context;

    private Main(Context context) {
        this.context = context;
    }

    @Override
    public Context context() {
        return context;
    }

    /**
     * Builds the command tree for build-time tools (picocli's man page and completion generators), which
     * instantiate classes by name: {@code --factory=io.sitewatch.cli.Main$DocFactory}.
     */
    public static final class DocFactory implements CommandLine.IFactory {
        private final Context context = Context.standard();
        private final CommandFactory commands = new CommandFactory(context);

        @Override
        public <K> K create(Class<K> type) throws Exception {
            return type == Main.class ? type.cast(new Main(context)) : commands.create(type);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; tests call this with their own writers. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        try (Context context = Context.standard()) {
            boolean serve = args.length > 0 && args[0].equals("serve");
            return (serve ? serviceLine(out, err, context) : commandLine(out, err, context)).execute(args);
        }
    }

    /** The command tree, as one-shot runs and the shell use it. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, Context context) {
        return configure(new CommandLine(new Main(context), new CommandFactory(context)), out, err, context);
    }

    /**
     * {@code sitewatch serve} on its own. The service's start-up is a target (issue 11: {@code java -jar} to
     * {@code /healthz} in under 1.5 s) and picocli reflects over every command of the tree it builds: building the
     * whole tree costs about a fifth of the start-up on a 2-core box.
     */
    static CommandLine serviceLine(PrintWriter out, PrintWriter err, Context context) {
        CommandFactory factory = new CommandFactory(context);
        CommandLine cli = new CommandLine(new Service(context), factory);
        cli.addSubcommand(new CommandLine(ServeCommand.class, factory));
        return configure(cli, out, err, context);
    }

    /** The root of {@link #serviceLine}: the same name and standard options as {@link Main}. */
    @Command(name = "sitewatch", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
            scope = CommandLine.ScopeType.INHERIT)
    static final class Service implements Context.Holder {
        private final Context context;

        Service(Context context) {
            this.context = context;
        }

        @Override
        public Context context() {
            return context;
        }
    }

    private static CommandLine configure(CommandLine cli, PrintWriter out, PrintWriter err, Context context) {
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("sitewatch: " + message(e));
            commandLine.getErr().flush();
            return exitCode(e);
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine where = e.getCommandLine();
            where.getErr().println("sitewatch: " + e.getMessage().lines().findFirst().orElse("bad arguments")
                    + suggestions(e) + " (see '" + helpFor(where, context) + "')");
            where.getErr().flush();
            return where.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cli;
    }

    static int exitCode(Exception e) {
        if (e instanceof AdminException.NotRunning) {
            return NOT_RUNNING;
        }
        if (e instanceof AdminException.Denied) {
            return DENIED;
        }
        return REFUSED;
    }

    /** One line for the person at the terminal: no stack trace for a mistake or a refusal. */
    static String message(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file: " + e.getMessage();
        }
        if (e instanceof AdminException || e instanceof ConfigException || e instanceof IllegalArgumentException
                || e instanceof BackupException) {
            return e.getMessage();
        }
        String text = e.getMessage() == null ? e.toString() : e.getMessage();
        return text.lines().findFirst().orElse(text);
    }

    private static String suggestions(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> similar = unmatched.getSuggestions();
            if (!similar.isEmpty()) {
                return "; did you mean " + String.join(" or ", similar.subList(0, Math.min(3, similar.size()))) + "?";
            }
        }
        return "";
    }

    /** How to get help for the command, as typed where the person is. */
    private static String helpFor(CommandLine where, Context context) {
        String name = where.getCommandSpec().qualifiedName();
        if (context.inShell()) {
            int space = name.indexOf(' ');
            return space < 0 ? "help" : name.substring(space + 1) + " --help";
        }
        return name + " --help";
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sitewatch " + Version.get()};
        }
    }
}
