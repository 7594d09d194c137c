package io.sitewatch.cli.commands;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "completion", description = {"Print a tab-completion script for bash or zsh.",
        "bash: source <(sitewatch completion bash), or save it as /usr/share/bash-completion/completions/sitewatch.",
        "zsh: source <(sitewatch completion zsh) in ~/.zshrc."})
public final class CompletionCommand implements Callable<Integer> {

    /** The shells the script is for; picocli's script serves zsh through bashcompinit. */
    enum Shell { bash, zsh }

    @Parameters(arity = "0..1", paramLabel = "SHELL", defaultValue = "bash",
            description = "bash or zsh (default: ${DEFAULT-VALUE}).")
    Shell shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String root = spec.root().name();
        spec.commandLine().getOut().print(AutoComplete.bash(root, spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
