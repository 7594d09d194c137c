package io.sitewatch.cli;

import io.sitewatch.appliance.Version;
import io.sitewatch.appliance.config.ConfigException;
import io.sitewatch.cli.client.AdminException;
import io.sitewatch.cli.commands.OperatorCommand;
import io.sitewatch.cli.commands.RecordingsCommand;
import io.sitewatch.cli.commands.ServeCommand;
import io.sitewatch.cli.commands.SessionsCommand;
import io.sitewatch.cli.commands.SiteCommand;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sitewatch}: the one entry point of the fat jar. The only place that calls {@link System#exit}. */
@Command(name = "sitewatch", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "On-prem appliance for live multi-site monitoring over WebRTC.",
        subcommands = {ServeCommand.class, SiteCommand.class, OperatorCommand.class, SessionsCommand.class,
                RecordingsCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  done", "  1  refused or failed (the message says why)", "  2  bad arguments",
                "  3  the appliance is not running", "  4  permission denied on the admin socket"})
public final class Main {

    public static final int REFUSED = 1;
    public static final int NOT_RUNNING = 3;
    public static final int DENIED = 4;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; tests call this with their own writers. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(out, err).execute(args);
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("sitewatch: " + message(e));
            commandLine.getErr().flush();
            return exitCode(e);
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
        if (e instanceof AdminException || e instanceof ConfigException || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        String text = e.getMessage() == null ? e.toString() : e.getMessage();
        return text.lines().findFirst().orElse(text);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sitewatch " + Version.get()};
        }
    }
}
