package io.sitewatch.cli.commands;

import io.sitewatch.cli.shell.Shell;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "shell", description = {"Run these commands interactively: tab completion of commands, options, "
        + "site ids, operator names, sessions and rooms; history kept in DATA_DIR/" + Shell.HISTORY + "; "
        + "'help' and 'COMMAND --help'. The prompt shows the appliance, sites online and operators connected.",
        "Ctrl-C cancels the running command, Ctrl-D or 'exit' leaves.",
        "When input is not a terminal the commands are read line by line without prompts, e.g. "
                + "echo 'site list' | sitewatch shell; the exit status is that of the last command that failed."})
public final class ShellCommand implements Callable<Integer> {

    @Mixin
    DataDirOption dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Context context = Context.of(spec);
        if (context.inShell()) {
            throw new IllegalArgumentException("this is the shell already");
        }
        Shell shell = new Shell(spec.root().commandLine(), context, dataDir.path());
        Optional<Terminal> terminal = context.terminal();
        if (terminal.isPresent()) {
            return shell.interactive(terminal.get());
        }
        return shell.script(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }
}
