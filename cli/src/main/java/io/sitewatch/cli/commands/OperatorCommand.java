package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sitewatch.appliance.admin.dto.AdminDto.IssuedToken;
import io.sitewatch.appliance.admin.dto.AdminDto.OperatorRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.OperatorView;
import io.sitewatch.appliance.admin.dto.AdminDto.PasswordRequest;
import io.sitewatch.appliance.admin.dto.AdminDto.TokenRequest;
import io.sitewatch.cli.client.AdminClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "operator", description = "Manage control-room operators.",
        subcommands = {OperatorCommand.Add.class, OperatorCommand.ListOperators.class, OperatorCommand.Set.class,
                OperatorCommand.Passwd.class, OperatorCommand.Token.class, OperatorCommand.Remove.class})
public final class OperatorCommand {

    private OperatorCommand() {}

    static String path(String name) {
        return "/v1/operators/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** Refuses {@code --password-stdin} in the shell, whose standard input is the terminal or the script. */
    static void checkPasswordSource(Context context, boolean fromStdin) {
        if (fromStdin && context.inShell()) {
            throw new IllegalArgumentException("--password-stdin does not work inside the shell; leave it out and "
                    + "type the password when asked");
        }
    }

    /**
     * The new password: the first line of standard input with {@code --password-stdin} (scripts), else asked twice
     * on the terminal without echo. Never an argument, so it stays out of argv and shell history.
     */
    static String newPassword(Context context, boolean fromStdin, String name) throws IOException {
        checkPasswordSource(context, fromStdin);
        if (fromStdin) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalArgumentException("no password on standard input");
            }
            return line;
        }
        String instead = "pass --password-stdin and pipe the password in";
        String password = context.secret("password for " + name + ": ", instead);
        if (!password.equals(context.secret("again: ", instead))) {
            throw new IllegalArgumentException("the two passwords differ; nothing changed");
        }
        return password;
    }

    @Command(name = "add", description = "Add an operator; the password is asked for (or read with --password-stdin).")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;
        @Option(names = "--groups", split = ",", paramLabel = "GROUP",
                description = "Site groups the operator may watch (default: all).")
        List<String> groups;
        @Option(names = "--all-groups", description = "Every group (the default).")
        boolean allGroups;

        @Override
        void run(AdminClient client) throws Exception {
            if (allGroups && groups != null) {
                throw new IllegalArgumentException("--groups and --all-groups exclude each other");
            }
            OperatorView op = client.post("/v1/operators", new OperatorRequest(name,
                    newPassword(context(), passwordStdin, name), groups), OperatorView.class);
            if (json) {
                Printer.json(out(), op);
            } else {
                out().printf("operator %s added%n", op.name());
                out().flush();
            }
        }
    }

    @Command(name = "list", description = "List operators.")
    static final class ListOperators extends AdminCommand {
        @Override
        void run(AdminClient client) throws Exception {
            List<OperatorView> ops = client.get("/v1/operators", new TypeReference<List<OperatorView>>() {});
            if (json) {
                Printer.json(out(), ops);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (OperatorView op : ops) {
                rows.add(List.of(op.name(), op.groups() == null ? "(all)" : String.join(",", op.groups()),
                        Integer.toString(op.sessions()), Printer.time(op.createdAt())));
            }
            Printer.table(out(), List.of("NAME", "GROUPS", "SESSIONS", "CREATED"), rows);
        }
    }

    @Command(name = "set", description = "Change the groups an operator may watch; its live sessions follow at once.")
    static final class Set extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Scope scope;

        static final class Scope {
            @Option(names = "--groups", split = ",", paramLabel = "GROUP", description = "Only these groups.")
            List<String> groups;
            @Option(names = "--all-groups", description = "Every group.")
            boolean all;
        }

        @Override
        void run(AdminClient client) throws Exception {
            OperatorView op = client.patch(path(name), new io.sitewatch.appliance.admin.dto.AdminDto.OperatorChange(
                    scope.groups, scope.all), OperatorView.class);
            if (json) {
                Printer.json(out(), op);
            } else {
                out().printf("operator %s may watch %s%n", op.name(),
                        op.groups() == null ? "every group" : String.join(", ", op.groups()));
                out().flush();
            }
        }
    }

    @Command(name = "passwd", description = "Set an operator's password (asked for, or read with --password-stdin).")
    static final class Passwd extends AdminCommand {
        @Parameters(paramLabel = "NAME", completionCandidates = LiveCandidates.OperatorNames.class)
        String name;
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Override
        void run(AdminClient client) throws Exception {
            checkPasswordSource(context(), passwordStdin);
            client.get(path(name), OperatorView.class); // an unknown name fails before the questions
            client.post(path(name) + "/password", new PasswordRequest(newPassword(context(), passwordStdin, name)),
                    Map.class);
            if (json) {
                Printer.json(out(), Map.of("name", name, "passwordChanged", true));
            } else {
                out().printf("password of %s changed%n", name);
                out().flush();
            }
        }
    }

    @Command(name = "token", description = "Issue an operator token (e.g. for a wall screen); shown once.")
    static final class Token extends AdminCommand {
        @Parameters(paramLabel = "NAME", completionCandidates = LiveCandidates.OperatorNames.class)
        String name;
        @Option(names = "--ttl-minutes", paramLabel = "N", description = "Lifetime (default: the login lifetime).")
        Long ttlMinutes;

        @Override
        void run(AdminClient client) throws Exception {
            IssuedToken token = client.post(path(name) + "/token", new TokenRequest(ttlMinutes), IssuedToken.class);
            if (json) {
                Printer.json(out(), token);
            } else {
                out().printf("token for %s (shown only now; expires %s):%n  %s%n", token.subject(),
                        Printer.time(token.expiresAt()), token.token());
                out().flush();
            }
        }
    }

    @Command(name = "remove", description = "Remove an operator and its tokens; its sessions are closed.")
    static final class Remove extends AdminCommand {
        @Parameters(paramLabel = "NAME", completionCandidates = LiveCandidates.OperatorNames.class)
        String name;

        @Override
        void run(AdminClient client) throws Exception {
            client.delete(path(name));
            if (json) {
                Printer.json(out(), Map.of("removed", name));
            } else {
                out().printf("operator %s removed%n", name);
                out().flush();
            }
        }
    }
}
