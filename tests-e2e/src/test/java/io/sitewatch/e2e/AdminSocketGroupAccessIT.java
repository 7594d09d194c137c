package io.sitewatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged permission model with real users: the data directory 0750 and admin.socket-group set, a user of
 * that group runs one-shot commands without sudo, any other user is refused. The CLI runs as user nobody through
 * setpriv (util-linux), with the group given or not; the appliance runs as this (root) test.
 */
class AdminSocketGroupAccessIT {

    static final String GROUP = "nogroup";
    static final String GROUP_ID = "65534";
    static final String OTHER_GROUP_ID = "1";

    @TempDir
    Path base;

    @Test
    void membersOfTheSocketGroupGetInOthersAreRefused() throws Exception {
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dataDir = Files.createDirectory(base.resolve("data"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-x---"));
        GroupPrincipal group = dataDir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(GROUP);
        Files.getFileAttributeView(dataDir, PosixFileAttributeView.class).setGroup(group);

        try (JarProcess serve = JarProcess.start("serve", "--data-dir", dataDir.toString(), "--bind", "127.0.0.1",
                "--no-tls", "--http-port", "0", "--set", "admin.socket-group=" + GROUP)) {
            serve.awaitLine(line -> line.contains("admin API on") && line.contains("group " + GROUP));

            Result member = asNobody(GROUP_ID, "site", "list", "--data-dir", dataDir.toString());
            assertThat(member.exit()).as(member.output()).isZero();
            assertThat(member.output()).contains("(none)");

            Result stranger = asNobody(OTHER_GROUP_ID, "site", "list", "--data-dir", dataDir.toString());
            assertThat(stranger.exit()).as(stranger.output()).isEqualTo(4);
            assertThat(stranger.output()).contains("permission denied");

            assertThat(serve.terminate()).isIn(0, 143);
        }
    }

    record Result(int exit, String output) {}

    private static Result asNobody(String gid, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=" + gid,
                "--clear-groups", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JarProcess.JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(JarProcess.WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), output);
    }
}
