package io.sitewatch.installer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The built .deb as dpkg sees it: control fields, files with modes and owners, conffiles, scripts, docs. */
class DebPackageIT {

    @TempDir
    Path dir;

    /** path -> "mode owner/group" from dpkg-deb --contents, e.g. "-rwxr-xr-x root/root". */
    static Map<String, String> contents() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (String line : Shell.run("dpkg-deb", "--contents", Shell.DEB.toString()).ok().output().split("\n")) {
            String[] f = line.trim().split("\\s+");
            files.put(f[5].replaceFirst("^\\./", "/").replaceFirst("(.)/$", "$1"), f[0] + " " + f[1]);
        }
        return files;
    }

    @Test
    void controlFieldsNameAJava17RuntimeOnDebianAndUbuntu() throws Exception {
        String info = Shell.run("dpkg-deb", "--info", Shell.DEB.toString()).ok().output();
        assertThat(Shell.DEB.getFileName()).hasToString("sitewatch_0.1.0_all.deb");
        assertThat(info).contains("Package: sitewatch", "Version: 0.1.0", "Architecture: all",
                // Ubuntu 22.04's default-jre-headless is Java 11 (2:1.11): only 2:1.17 and later will do.
                "Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless", "Maintainer: ",
                "Installed-Size: ", "Description: ");
        assertThat(Shell.run("dpkg-deb", "--field", Shell.DEB.toString(), "Version").ok().output().strip())
                .matches("[0-9][A-Za-z0-9.+~-]*");
    }

    @Test
    void filesHaveTheirModesAndBelongToRoot() throws Exception {
        Map<String, String> files = contents();
        assertThat(files).containsEntry("/usr/share/sitewatch/sitewatch.jar", "-rw-r--r-- root/root")
                .containsEntry("/usr/bin/sitewatch", "-rwxr-xr-x root/root")
                .containsEntry("/lib/systemd/system/sitewatch.service", "-rw-r--r-- root/root")
                .containsEntry("/etc/sitewatch/sitewatch.conf", "-rw-r--r-- root/root")
                .containsEntry("/usr/share/bash-completion/completions/sitewatch", "-rw-r--r-- root/root")
                .containsEntry("/usr/share/doc/sitewatch/copyright", "-rw-r--r-- root/root")
                .containsEntry("/usr/share/man/man1/sitewatch.1.gz", "-rw-r--r-- root/root");
        assertThat(files.values()).allSatisfy(v -> assertThat(v).endsWith(" root/root"));
        assertThat(files).allSatisfy((path, mode) -> assertThat(mode).as(path)
                .matches(path.equals("/usr/bin/sitewatch") || mode.startsWith("d") ? "[d-]rwxr-xr-x root/root"
                        : "-rw-r--r-- root/root"));
        assertThat(files.keySet()).noneMatch(p -> p.startsWith("/var/") || p.startsWith("/usr/lib/jvm"));
        assertThat(Files.size(Shell.DEB)).isLessThan(Files.size(Shell.DEB.resolveSibling("sitewatch.jar")));
    }

    @Test
    void theConfigIsTheOnlyConffileAndScriptsAreValidShell() throws Exception {
        Path control = dir.resolve("control");
        Shell.run("dpkg-deb", "--control", Shell.DEB.toString(), control.toString()).ok();

        assertThat(Files.readString(control.resolve("conffiles")).strip()).isEqualTo("/etc/sitewatch/sitewatch.conf");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path file = control.resolve(script);
            assertThat(Files.isExecutable(file)).as(script).isTrue();
            assertThat(Files.readString(file)).startsWith("#!/bin/sh\n").contains("set -e");
            Shell.run("sh", "-n", file.toString()).ok();
        }
        assertThat(control.resolve("preinst")).doesNotExist();
    }

    @Test
    void everyCommandHasAManPageAndTheCompletionKnowsIt() throws Exception {
        Path root = dir.resolve("root");
        Shell.run("dpkg-deb", "--extract", Shell.DEB.toString(), root.toString()).ok();
        List<String> commands = new ArrayList<>();
        collect(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                io.sitewatch.cli.commands.Context.standard()), commands);

        assertThat(commands).contains("sitewatch", "sitewatch-serve", "sitewatch-backup", "sitewatch-restore",
                "sitewatch-doctor", "sitewatch-site-add");
        for (String command : commands) {
            Path page = root.resolve("usr/share/man/man1/" + command + ".1.gz");
            assertThat(page).as(command).exists();
            String troff = Shell.run("sh", "-c", "zcat " + page).ok().output();
            assertThat(troff).contains(".TH \"" + command.toUpperCase().replace("-", "\\-") + "\" \"1\"");
        }
        Path completion = root.resolve("usr/share/bash-completion/completions/sitewatch");
        Shell.run("bash", "-n", completion.toString()).ok();
        assertThat(Files.readString(completion)).contains("complete -F _complete_sitewatch", "backup", "restore",
                "doctor");
        assertThat(Shell.run("sh", "-c", "cmp " + root.resolve("usr/share/sitewatch/sitewatch.jar") + " "
                + Shell.DEB.resolveSibling("sitewatch.jar")).exit()).isZero();
    }

    private static void collect(CommandLine command, List<String> names) {
        names.add(command.getCommandSpec().qualifiedName("-"));
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!names.contains(sub.getCommandSpec().qualifiedName("-"))) {
                collect(sub, names);
            }
        }
    }
}
