package io.sitewatch.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.cli.FakeAdmin;
import io.sitewatch.cli.FakeAdmin.Result;
import io.sitewatch.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

class ManPageTest {

    final Result man = new FakeAdmin().run("man");

    @Test
    void everyCommandIsDocumentedWithItsOptions() {
        assertThat(man.exit()).isZero();
        assertThat(man.out()).startsWith(".TH SITEWATCH 1 \"\" \"sitewatch ").contains(".SH NAME", ".SH SYNOPSIS",
                ".SH DESCRIPTION", ".SH COMMANDS", ".SH EXIT STATUS", ".SH ENVIRONMENT", ".SH FILES");
        for (String command : leafCommands()) {
            assertThat(man.out()).contains(".SS \"" + command + "\"");
        }
        assertThat(man.out()).contains("\\fB\\-\\-rotate\\fR", "\\fB\\-\\-since\\fR=\\fIWHEN\\fR", "default: 1h")
                .doesNotContain("${DEFAULT-VALUE}").doesNotContain("sitewatch help");
    }

    @Test
    void noLineStartsWithAnUnintendedControlCharacter() {
        assertThat(man.out().lines()).allSatisfy(line ->
                assertThat(line.startsWith(".") || line.startsWith("'"))
                        .as(line).isEqualTo(line.matches("^\\.(TH|SH|SS|TP|PP|B|I|nf|fi|br)( .*)?$")));
    }

    private static List<String> leafCommands() {
        CommandLine tree = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                new FakeAdmin().context());
        List<String> names = new ArrayList<>();
        collect(tree.getCommandSpec(), names);
        return names;
    }

    private static void collect(CommandSpec spec, List<String> names) {
        for (CommandLine sub : spec.subcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (s.userObject() instanceof CommandLine.HelpCommand) {
                continue;
            }
            if (s.subcommands().isEmpty()) {
                names.add(s.qualifiedName());
            } else {
                collect(s, names);
            }
        }
    }
}
