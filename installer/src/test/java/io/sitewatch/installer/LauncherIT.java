package io.sitewatch.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /usr/bin/sitewatch: the packaged defaults, what an admin sets still wins, and the jar on the chosen Java. */
class LauncherIT {

    @TempDir
    Path dir;
    Path javaHome;

    @BeforeEach
    void fakeJava() throws Exception {
        javaHome = dir.resolve("jdk");
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"data=$SITEWATCH_DATA_DIR config=$SITEWATCH_CONFIG args=$*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    String launch(Map<String, String> env, String... args) throws Exception {
        // A clean slate whatever the build's environment holds, then what this case sets.
        List<String> command = new java.util.ArrayList<>(List.of("env", "-u", "SITEWATCH_DATA_DIR", "-u",
                "SITEWATCH_CONFIG", "-u", "SITEWATCH_OPTS", "JAVA_HOME=" + javaHome));
        env.forEach((name, value) -> command.add(name + "=" + value));
        command.addAll(List.of("sh", Shell.SOURCES.resolve("sitewatch").toString()));
        command.addAll(List.of(args));
        return Shell.run(command.toArray(String[]::new)).ok().output().strip();
    }

    @Test
    void usesThePackagedDataDirAndConfigUnlessTold() throws Exception {
        assertThat(launch(Map.of(), "site", "list")).isEqualTo("data=/var/lib/sitewatch "
                + "config=/etc/sitewatch/sitewatch.conf args=-jar /usr/share/sitewatch/sitewatch.jar site list");
        assertThat(launch(Map.of("SITEWATCH_DATA_DIR", "/srv/sw", "SITEWATCH_CONFIG", "/srv/sw.conf",
                "SITEWATCH_OPTS", "-Xmx256m -Dx=y"), "doctor"))
                .isEqualTo("data=/srv/sw config=/srv/sw.conf args=-Xmx256m -Dx=y -jar "
                        + "/usr/share/sitewatch/sitewatch.jar doctor");
    }

    @Test
    void passesArgumentsWithSpacesUnchanged() throws Exception {
        assertThat(launch(Map.of(), "site", "add", "yard-1", "--name", "North yard"))
                .endsWith("site add yard-1 --name North yard");
        Shell.run("sh", "-n", Shell.SOURCES.resolve("sitewatch").toString()).ok();
    }
}
