package io.sitewatch.cli.commands;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The sitewatch(1) manual page in troff with the man macros, generated from the picocli command tree so it never
 * disagrees with {@code --help}. (picocli-codegen's generator writes AsciiDoc, which needs Asciidoctor to become a
 * man page; the man macros are simple enough to write directly.)
 */
final class ManPage {

    private ManPage() {}

    static String troff(CommandSpec root) {
        StringBuilder m = new StringBuilder();
        String version = root.version().length > 0 ? root.version()[0] : root.name();
        m.append(".TH ").append(root.name().toUpperCase()).append(" 1 \"\" \"").append(version)
                .append("\" \"sitewatch manual\"\n");
        m.append(".SH NAME\n").append(root.name()).append(" \\- ").append(text(root.usageMessage().description()[0]))
                .append('\n');
        m.append(".SH SYNOPSIS\n.B ").append(root.name()).append("\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR] "
                + "[\\fIARGUMENTS\\fR]\n.br\n.B ").append(root.name()).append(" shell\n");
        m.append(".SH DESCRIPTION\n").append(text(String.join(" ", root.usageMessage().description()))).append('\n');
        m.append(".PP\nEvery command but \\fBserve\\fR talks to the running appliance through its admin socket, "
                + "DATA_DIR/admin.sock, which only the appliance's user may open. Every such command takes "
                + "\\fB\\-\\-json\\fR for scripts. \\fBsitewatch shell\\fR runs the same commands interactively, "
                + "with completion of site ids, operator names, sessions and rooms.\n");
        m.append(".SH COMMANDS\n");
        for (CommandLine sub : root.subcommands().values()) {
            command(m, sub.getCommandSpec());
        }
        m.append(".SH EXIT STATUS\n");
        for (String line : root.usageMessage().footer()) {
            String[] codeAndMeaning = line.strip().split("\\s+", 2);
            m.append(".TP\n.B ").append(codeAndMeaning[0]).append('\n').append(text(codeAndMeaning[1])).append('\n');
        }
        m.append(".SH ENVIRONMENT\n.TP\n.B SITEWATCH_DATA_DIR\nThe data directory when \\fB\\-\\-data\\-dir\\fR "
                + "is not given.\n.TP\n.B SITEWATCH_CONFIG\nThe config file of \\fBserve\\fR.\n.TP\n"
                + ".B SITEWATCH_\\fISECTION\\fB_\\fIKEY\\fR\nAny config key, e.g. SITEWATCH_HTTP_HTTPS_PORT=443.\n");
        m.append(".SH FILES\n.TP\n.I DATA_DIR/admin.sock\nThe admin API (owner only).\n.TP\n"
                + ".I DATA_DIR/sitewatch.conf\nThe config file (TOML).\n.TP\n.I DATA_DIR/sitewatch.db\n"
                + "Sites, operators, tokens and the event log.\n.TP\n.I DATA_DIR/tls/ca.pem\n"
                + "The appliance's own CA, for devices to trust.\n.TP\n.I DATA_DIR/.shell_history\n"
                + "The shell's command history.\n");
        return m.toString();
    }

    /** A command and, after it, each of its subcommands; the help command and hidden ones are left out. */
    private static void command(StringBuilder m, CommandSpec spec) {
        if (spec.usageMessage().hidden() || spec.userObject() instanceof CommandLine.HelpCommand) {
            return;
        }
        if (spec.subcommands().isEmpty()) {
            m.append(".SS \"").append(spec.qualifiedName()).append("\"\n");
            m.append(".nf\n").append(text(synopsis(spec))).append("\n.fi\n");
            for (String line : spec.usageMessage().description()) {
                m.append(".PP\n").append(text(line)).append('\n');
            }
            for (PositionalParamSpec p : spec.positionalParameters()) {
                argument(m, "\\fI" + text(p.paramLabel()) + "\\fR", p);
            }
            for (OptionSpec o : spec.options()) {
                if (!o.hidden() && !o.usageHelp() && !o.versionHelp()) {
                    argument(m, optionNames(o), o);
                }
            }
            return;
        }
        for (CommandLine sub : spec.subcommands().values()) {
            command(m, sub.getCommandSpec());
        }
    }

    private static void argument(StringBuilder m, String term, ArgSpec arg) {
        m.append(".TP\n").append(term).append('\n').append(text(description(arg))).append('\n');
    }

    private static String optionNames(OptionSpec o) {
        StringBuilder names = new StringBuilder();
        for (String name : o.names()) {
            names.append(names.length() == 0 ? "" : ", ").append("\\fB").append(name.replace("-", "\\-"))
                    .append("\\fR");
        }
        if (o.arity().max() > 0) {
            names.append("=\\fI").append(text(o.paramLabel())).append("\\fR");
        }
        return names.toString();
    }

    private static String description(ArgSpec arg) {
        String text = String.join(" ", arg.description());
        String defaultValue = arg.defaultValueString();
        return text.replace("${DEFAULT-VALUE}", defaultValue == null ? "none" : defaultValue);
    }

    private static String synopsis(CommandSpec spec) {
        Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
        return help.synopsis(0).strip();
    }

    /** Text safe in troff: backslashes escaped, and no line may start with a control character. */
    static String text(String s) {
        String escaped = s.replace("\\", "\\e");
        return String.join("\n", escaped.lines().map(l -> l.startsWith(".") || l.startsWith("'") ? "\\&" + l : l)
                .toList());
    }
}
