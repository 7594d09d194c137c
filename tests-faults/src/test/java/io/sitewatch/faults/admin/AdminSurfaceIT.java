package io.sitewatch.faults.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.admin.AdminServer;
import io.sitewatch.appliance.it.TestAppliance;
import io.sitewatch.faults.Figures;
import io.sitewatch.faults.Secrets;
import io.sitewatch.faults.storage.ChildAppliance;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Phase 9, the admin surface: the Unix socket refuses other users by its permission bits (and admits exactly the
 * configured group), and the loopback HTTP fallback refuses foreign Host headers, missing and wrong tokens, and
 * anything not on loopback. Other users are real: a probe runs as {@code nobody} under {@code setpriv}.
 */
class AdminSurfaceIT {

    private static final int NOBODY = 65534;

    @Test
    void theAdminSocketRefusesOtherUsersAndAdmitsOnlyItsGroup() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "switching users needs root and setpriv; AdminSocketGroupIT checks the permission bits alone");
        Figures figures = Figures.of("phase9-admin-socket");
        Path root = Path.of("target", "faults-admin").toAbsolutePath();
        deleteTree(root);
        Path probe = probeCopy(root.resolve("probe"));
        int refused = 0;
        try (TestAppliance app = TestAppliance.plain(root.resolve("owner"))) {
            Path socket = app.appliance.adminSocket();
            assertThat(run(probe, List.of(), "socket", socket)).startsWith("ok HTTP/1.1 200");
            assertThat(run(probe, List.of("--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"), "socket", socket))
                    .startsWith("denied");
            refused++;
            // Even where the data directory is opened up, the socket's own bits (0600) keep others out.
            Files.setPosixFilePermissions(app.appliance.dataDir(), PosixFilePermissions.fromString("rwxr-xr-x"));
            assertThat(run(probe, List.of("--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"), "socket", socket))
                    .startsWith("denied").contains("Permission denied");
            refused++;
            assertThat(run(probe, List.of("--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"), "read",
                    app.appliance.dataDir().resolve("sitewatch.db"))).startsWith("denied");
        }
        String group = "daemon";
        try (TestAppliance app = TestAppliance.start(root.resolve("group"), Map.of("http.tls", "false",
                "admin.socket-group", group))) {
            Path dir = app.appliance.dataDir();
            GroupPrincipal principal = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(principal);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
            Path socket = app.appliance.adminSocket();
            assertThat(run(probe, List.of("--reuid=" + NOBODY, "--regid=" + NOBODY, "--groups=" + group), "socket",
                    socket)).startsWith("ok HTTP/1.1 200");
            assertThat(run(probe, List.of("--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"), "socket",
                    socket)).startsWith("denied");
            refused++;
        }
        figures.put("otherUserRefused", refused).put("groupMemberAdmitted", 1);
        figures.report();
    }

    @Test
    void theLoopbackFallbackRefusesForeignHostsAndMissingOrWrongTokens() throws Exception {
        Figures figures = Figures.of("phase9-admin-loopback");
        Path root = Path.of("target", "faults-admin-loopback").toAbsolutePath();
        deleteTree(root);
        int port = ChildAppliance.freePort();
        int refused = 0;
        try (TestAppliance app = TestAppliance.start(root.resolve("data"), Map.of("http.tls", "false",
                "admin.http-port", Integer.toString(port)))) {
            Path tokenFile = app.appliance.dataDir().resolve(AdminServer.TOKEN_NAME);
            String token = Secrets.issued(Files.readString(tokenFile).strip());
            String bearer = "Bearer " + token;
            assertThat(status(TestAppliance.rawAdminGet(port, "127.0.0.1:" + port, bearer))).isEqualTo(200);
            assertThat(status(TestAppliance.rawAdminGet(port, "localhost:" + port, bearer))).isEqualTo(200);
            List<String> foreign = List.of("attacker.example:" + port, "attacker.example", "localhost",
                    "127.0.0.1:" + (port + 1), "127.0.0.2:" + port, "localhost." + ":" + port,
                    "0x7f000001:" + port, "sitewatch.local:" + port);
            for (String host : foreign) {
                assertThat(status(TestAppliance.rawAdminGet(port, host, bearer))).as(host).isIn(400, 421);
                refused++;
            }
            List<String> badAuth = new ArrayList<>();
            badAuth.add(null);
            badAuth.addAll(List.of("", "Bearer ", "Bearer " + token.substring(1), bearer + "=", "Token " + token,
                    token, "Bearer " + "A".repeat(token.length()), "Basic " + java.util.Base64.getEncoder()
                            .encodeToString(("admin:" + token).getBytes(StandardCharsets.UTF_8))));
            for (String authorization : badAuth) {
                assertThat(status(TestAppliance.rawAdminGet(port, "127.0.0.1:" + port, authorization))).as("%s", authorization == null
                        ? "no Authorization" : "a wrong one").isEqualTo(401);
                refused++;
            }
            // No lock-out: after all the refusals the right token still gets in.
            assertThat(TestAppliance.rawAdminGet(port, "127.0.0.1:" + port, bearer)).contains("\"sites\":0");
            Optional<InetAddress> lan = lanAddress();
            if (lan.isPresent()) {
                try (Socket s = new Socket(lan.get(), port)) {
                    throw new AssertionError("the admin port answered on " + lan.get());
                } catch (ConnectException expected) {
                    figures.put("lanAddressRefused", lan.get().getHostAddress());
                }
            }
            if ("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
                Path probe = probeCopy(root.resolve("probe"));
                assertThat(run(probe, List.of("--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"), "read",
                        tokenFile)).startsWith("denied");
                figures.put("tokenFileUnreadableByOthers", 1);
            }
        }
        figures.put("loopbackRefused", refused).report();
    }

    static int status(String answer) {
        return Integer.parseInt(answer.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
    }

    private static Optional<InetAddress> lanAddress() throws java.net.SocketException {
        for (NetworkInterface nic : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }

    /** The probe's class file in a directory anyone may read, so another user's JVM can load it. */
    private static Path probeCopy(Path dir) throws Exception {
        Path classes;
        try {
            classes = Path.of(SocketProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String relative = SocketProbe.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(relative);
        Files.createDirectories(target.getParent());
        Files.copy(classes.resolve(relative), target);
        for (Path p = target; p.startsWith(dir.getParent()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                    : "rw-r--r--"));
        }
        return dir;
    }

    /** Runs the probe, under setpriv with these options when there are any; its one line of output. */
    private static String run(Path probeDir, List<String> setpriv, String mode, Path target) throws Exception {
        List<String> command = new ArrayList<>();
        if (!setpriv.isEmpty()) {
            command.add("setpriv");
            command.addAll(setpriv);
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:-UsePerfData", "-cp", probeDir.toString(),
                SocketProbe.class.getName(), mode, target.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe did not finish: " + command);
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
