package io.sitewatch.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * install.sh's decisions, with apt-get, systemctl, hostname, id and the sitewatch command replaced by stand-ins
 * that log what they are asked (the real package is tested by PackageLifecycleIT). "systemd runs" is shown to the
 * script by a private mount namespace with its own /run/systemd/system, so this machine's /run is untouched.
 */
class InstallScriptIT {

    static final Path SCRIPT = Path.of("install.sh").toAbsolutePath();

    @TempDir
    Path dir;
    Path stubs;
    Path log;
    Path operators;

    @BeforeEach
    void standIns() throws Exception {
        stubs = Files.createDirectories(dir.resolve("stubs"));
        log = dir.resolve("calls.log");
        operators = dir.resolve("operators");
        Files.writeString(operators, "[ ]\n");
        stub("apt-get", "echo \"apt-get $*\" >> " + log + "\n"
                + "if [ \"$1\" = install ] && [ -f " + dir.resolve("lists-missing") + " ]; then exit 100; fi\n"
                + "if [ \"$1\" = update ]; then rm -f " + dir.resolve("lists-missing") + "; fi");
        stub("systemctl", "echo \"systemctl $*\" >> " + log);
        stub("journalctl", "echo \"journalctl $*\" >> " + log);
        stub("hostname", "echo 192.0.2.10 fd00::10");
        stub("id", "echo ${STUB_UID:-0}");
        stub("sitewatch", "echo \"sitewatch $*\" >> " + log + "\n"
                + "case \"$1 $2\" in\n"
                + "  'operator list') cat " + operators + " ;;\n"
                + "  'operator add') read -r password; echo \"password-from-stdin $password\" >> " + log + ";"
                + " printf '[ { \"name\" : \"%s\" } ]\\n' \"$3\" > " + operators + " ;;\n"
                + "  'doctor ') echo 'all checks passed' ;;\n"
                + "esac");
    }

    void stub(String name, String body) throws Exception {
        Path file = stubs.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Shell.Result install(boolean systemd, String... args) throws Exception {
        Files.deleteIfExists(log);
        String run = "PATH=" + stubs + ":$PATH sh " + SCRIPT + " " + String.join(" ", args);
        List<String> command = new ArrayList<>();
        if (systemd) {
            command.addAll(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && " + run));
        } else {
            command.addAll(List.of("sh", "-c", "[ ! -d /run/systemd/system ] && " + run));
        }
        return Shell.run(command.toArray(String[]::new));
    }

    List<String> calls() throws Exception {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    Path deb() throws Exception {
        return Files.writeString(dir.resolve("sitewatch_0.1.0_all.deb"), "stand-in");
    }

    @Test
    void aFreshBoxGetsThePackageTheServiceAndOneAdminWhosePasswordIsShownOnce() throws Exception {
        Path deb = deb();
        Shell.Result first = install(true, deb.toString()).ok();

        Matcher shown = Pattern.compile("name: admin {3}password: (\\S{20})").matcher(first.output());
        assertThat(shown.find()).as(first.output()).isTrue();
        assertThat(calls()).contains("apt-get install -y --no-install-recommends " + deb,
                "systemctl enable --now sitewatch.service", "sitewatch operator add admin --password-stdin",
                "password-from-stdin " + shown.group(1), "sitewatch doctor");
        assertThat(calls()).noneMatch(c -> c.startsWith("sitewatch") && c.contains(shown.group(1)));
        assertThat(first.output()).contains("Operators log in at   https://192.0.2.10:8443/operator/",
                "/var/lib/sitewatch/tls/ca.pem", "trusted root", "all checks passed");

        Shell.Result again = install(true, deb.toString()).ok();

        assertThat(again.output()).doesNotContain("password: ").contains("Operators exist already");
        assertThat(calls()).noneMatch(c -> c.startsWith("sitewatch operator add"));
    }

    @Test
    void emptyPackageListsAreFetchedOnce() throws Exception {
        Files.createFile(dir.resolve("lists-missing"));
        install(true, deb().toString()).ok();

        assertThat(calls()).filteredOn(c -> c.startsWith("apt-get")).extracting(c -> c.split(" ")[1])
                .containsExactly("install", "update", "install");
    }

    @Test
    void findsThePackageBesideItselfOrInTarget() throws Exception {
        assertThat(Files.list(SCRIPT.getParent().resolve("target")).map(p -> p.getFileName().toString()))
                .contains("sitewatch_0.1.0_all.deb");
        install(true).ok();
        assertThat(calls().get(0)).isEqualTo("apt-get install -y --no-install-recommends "
                + SCRIPT.getParent().resolve("target/sitewatch_0.1.0_all.deb"));
    }

    @Test
    void withoutSystemdItInstallsAndSaysHowToRunIt() throws Exception {
        Shell.Result result = install(false, deb().toString()).ok();

        assertThat(result.output()).contains("systemd is not running here", "sitewatch serve");
        assertThat(calls()).noneMatch(c -> c.startsWith("systemctl") || c.startsWith("sitewatch operator add"));
    }

    @Test
    void refusesWithoutRootOrWithoutAPackage() throws Exception {
        Shell.Result notRoot = Shell.run(java.util.Map.of("STUB_UID", "1000"), List.of("sh", "-c",
                "PATH=" + stubs + ":$PATH sh " + SCRIPT + " " + deb()));
        assertThat(notRoot.exit()).isEqualTo(1);
        assertThat(notRoot.output()).contains("run it as root: sudo sh");

        Shell.Result missing = install(true, dir.resolve("nope.deb").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.output()).contains("no such file: " + dir.resolve("nope.deb"));
        assertThat(calls()).isEmpty();

        Shell.run("sh", "-n", SCRIPT.toString()).ok();
    }
}
