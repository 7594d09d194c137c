package io.sitewatch.cli.commands;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "man", description = {"Print the sitewatch(1) manual page (troff), generated from these commands.",
        "View it with: sitewatch man | man -l -   Install it as /usr/share/man/man1/sitewatch.1.gz."})
public final class ManCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(ManPage.troff(spec.root()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
