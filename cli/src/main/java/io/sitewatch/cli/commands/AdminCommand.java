package io.sitewatch.cli.commands;

import io.sitewatch.cli.client.AdminClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A command that talks to the running appliance through its admin API, with {@code --json} for scripts. */
abstract class AdminCommand implements Callable<Integer> {

    @Mixin
    DataDirOption dataDir;

    @Option(names = "--json", description = "Print JSON (for scripts).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (AdminClient client = context().connect(dataDir.path())) {
            run(client);
        }
        return 0;
    }

    abstract void run(AdminClient client) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    Context context() {
        return Context.of(spec);
    }
}
