package io.sitewatch.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * install, upgrade, remove and purge with the real dpkg into a throwaway root ({@code dpkg --root} with
 * {@code --force-script-chrootless}: the maintainer scripts run here with DPKG_ROOT set). useradd, groupadd and
 * deb-systemd-helper are the real ones, working on the root's files; only the two commands that would act on a
 * running systemd, systemctl and deb-systemd-invoke, are stand-ins that log their arguments. The root has
 * /run/systemd/system, so the scripts believe systemd runs there.
 */
class PackageLifecycleIT {

    static final String WANTS = "etc/systemd/system/multi-user.target.wants/sitewatch.service";

    @TempDir
    Path dir;
    Path root;
    Path stubs;
    Path calls;

    @BeforeEach
    void throwawayRoot() throws Exception {
        root = dir.resolve("root");
        for (String d : List.of("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/log", "etc", "run/systemd/system")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.createFile(root.resolve("var/lib/dpkg/status"));
        Files.createFile(root.resolve("var/lib/dpkg/available"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
        Files.writeString(root.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(root.resolve("etc/gshadow"), "root:*::\n");
        stubs = Files.createDirectories(dir.resolve("stubs"));
        calls = dir.resolve("calls.log");
        for (String command : List.of("systemctl", "deb-systemd-invoke")) {
            Path stub = stubs.resolve(command);
            Files.writeString(stub, "#!/bin/sh\necho \"" + command + " $*\" >> '" + calls + "'\n");
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    Shell.Result dpkg(String... args) throws Exception {
        Files.deleteIfExists(calls);
        List<String> command = new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-script-chrootless",
                "--force-depends")); // the root has no Java runtime: the dependency is checked by DebPackageIT
        command.addAll(List.of(args));
        return Shell.run(Map.of("PATH", stubs + ":" + System.getenv("PATH")), command).ok();
    }

    List<String> calls() throws Exception {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    /** The same package as an older version, for an upgrade. */
    Path previousVersion() throws Exception {
        Path tree = dir.resolve("previous");
        Shell.run("dpkg-deb", "--raw-extract", Shell.DEB.toString(), tree.toString()).ok();
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replace("Version: 0.1.0", "Version: 0.0.9"));
        Path deb = dir.resolve("sitewatch_0.0.9_all.deb");
        Shell.run("dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build", tree.toString(), deb.toString())
                .ok();
        return deb;
    }

    String idOf(String file, String name) throws Exception {
        return Files.readAllLines(root.resolve("etc/" + file)).stream().filter(l -> l.startsWith(name + ":"))
                .map(l -> l.split(":")[2]).findFirst().orElse(null);
    }

    PosixFileAttributes attributes(String path) throws Exception {
        return Files.readAttributes(root.resolve(path), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    String owner(String path) throws Exception {
        Object uid = Files.getAttribute(root.resolve(path), "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object gid = Files.getAttribute(root.resolve(path), "unix:gid", LinkOption.NOFOLLOW_LINKS);
        return uid + ":" + gid;
    }

    @Test
    void installUpgradeRemovePurge() throws Exception {
        Path previous = previousVersion();

        // install: a system user and group, the data dir for them, the config readable by the group, started.
        dpkg("--install", previous.toString());
        String uid = idOf("passwd", "sitewatch");
        String gid = idOf("group", "sitewatch");
        assertThat(uid).isNotNull();
        assertThat(Integer.parseInt(uid)).isLessThan(1000);
        assertThat(Files.readString(root.resolve("etc/passwd")))
                .contains("sitewatch:x:" + uid + ":" + gid
                        + ":sitewatch appliance:/var/lib/sitewatch:/usr/sbin/nologin");
        assertThat(owner("var/lib/sitewatch")).isEqualTo(uid + ":" + gid);
        assertThat(PosixFilePermissions.toString(attributes("var/lib/sitewatch").permissions())).isEqualTo("rwxr-x---");
        assertThat(owner("etc/sitewatch/sitewatch.conf")).isEqualTo("0:" + gid);
        assertThat(PosixFilePermissions.toString(attributes("etc/sitewatch/sitewatch.conf").permissions()))
                .isEqualTo("rw-r-----");
        assertThat(Files.readSymbolicLink(root.resolve(WANTS))).hasToString("/lib/systemd/system/sitewatch.service");
        assertThat(calls()).containsExactly("systemctl --system daemon-reload",
                "deb-systemd-invoke start sitewatch.service");

        // the box lives: data, certificates, tokens and a local config change
        Files.writeString(root.resolve("var/lib/sitewatch/sitewatch.db"), "registry");
        Files.createDirectories(root.resolve("var/lib/sitewatch/tls"));
        Files.writeString(root.resolve("var/lib/sitewatch/tls/ca.pem"), "ca");
        Path config = root.resolve("etc/sitewatch/sitewatch.conf");
        Files.writeString(config, Files.readString(config).replace("https-port = 443", "https-port = 8443"));

        // upgrade: everything kept, the user not made again, the service restarted
        dpkg("--install", Shell.DEB.toString());
        assertThat(Shell.run("dpkg-query", "--admindir=" + root.resolve("var/lib/dpkg"), "-W", "sitewatch").ok()
                .output()).contains("0.1.0").doesNotContain("0.0.9");
        assertThat(Files.readString(root.resolve("var/lib/sitewatch/sitewatch.db"))).isEqualTo("registry");
        assertThat(Files.readString(root.resolve("var/lib/sitewatch/tls/ca.pem"))).isEqualTo("ca");
        assertThat(Files.readString(config)).contains("https-port = 8443");
        assertThat(idOf("passwd", "sitewatch")).isEqualTo(uid);
        assertThat(Files.readAllLines(root.resolve("etc/passwd"))).filteredOn(l -> l.startsWith("sitewatch:"))
                .hasSize(1);
        assertThat(calls()).containsExactly("systemctl --system daemon-reload",
                "deb-systemd-invoke restart sitewatch.service");

        // remove: stopped, program gone, data, config and user kept, unit masked
        dpkg("--remove", "sitewatch");
        assertThat(calls()).containsExactly("deb-systemd-invoke stop sitewatch.service",
                "systemctl --system daemon-reload");
        assertThat(root.resolve("usr/share/sitewatch/sitewatch.jar")).doesNotExist();
        assertThat(root.resolve("usr/bin/sitewatch")).doesNotExist();
        assertThat(Files.readString(root.resolve("var/lib/sitewatch/sitewatch.db"))).isEqualTo("registry");
        assertThat(Files.readString(config)).contains("https-port = 8443");
        assertThat(idOf("passwd", "sitewatch")).isEqualTo(uid);
        assertThat(Files.readSymbolicLink(root.resolve("etc/systemd/system/sitewatch.service")))
                .hasToString("/dev/null");

        // purge: data, config, user, group and the service's links gone
        dpkg("--purge", "sitewatch");
        assertThat(root.resolve("var/lib/sitewatch")).doesNotExist();
        assertThat(root.resolve("etc/sitewatch")).doesNotExist();
        assertThat(idOf("passwd", "sitewatch")).isNull();
        assertThat(idOf("group", "sitewatch")).isNull();
        assertThat(root.resolve(WANTS)).doesNotExist();
        assertThat(root.resolve("etc/systemd/system/sitewatch.service")).doesNotExist();
    }

    @Test
    void anAdminsDisableSurvivesAnUpgradeAndAnExistingDataDirIsLeftAsItIs() throws Exception {
        Files.createDirectories(root.resolve("var/lib/sitewatch"));
        Files.setPosixFilePermissions(root.resolve("var/lib/sitewatch"), PosixFilePermissions.fromString("rwx------"));
        dpkg("--install", previousVersion().toString());
        Files.delete(root.resolve(WANTS)); // what "systemctl disable sitewatch" does

        dpkg("--install", Shell.DEB.toString());

        assertThat(root.resolve(WANTS)).doesNotExist();
        assertThat(PosixFilePermissions.toString(attributes("var/lib/sitewatch").permissions())).isEqualTo("rwx------");
        assertThat(owner("var/lib/sitewatch")).isEqualTo("0:0");
    }

    @Test
    void withoutARunningSystemdNothingIsStartedButTheServiceIsEnabled() throws Exception {
        Files.delete(root.resolve("run/systemd/system"));

        dpkg("--install", Shell.DEB.toString());

        assertThat(calls()).isEmpty();
        assertThat(root.resolve(WANTS)).isSymbolicLink();
        assertThat(idOf("passwd", "sitewatch")).isNotNull();
    }
}
