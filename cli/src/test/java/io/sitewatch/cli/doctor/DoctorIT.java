package io.sitewatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.Appliance;
import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.appliance.tls.HostNames;
import io.sitewatch.cli.Main;
import io.sitewatch.cli.client.AdminClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sitewatch doctor} on a healthy running appliance and on broken, stopped ones. */
class DoctorIT {

    @TempDir
    Path dir;

    static final Doctor.DiskSpace PLENTY = d -> new long[] {100L << 30, 200L << 30};
    static final Doctor.DiskSpace FULL = d -> new long[] {10L << 20, 200L << 30};

    Doctor doctor(Doctor.DiskSpace disk) {
        return new Doctor(new Doctor.Probes(Clock.systemUTC(), disk, HostNames::requiredNames,
                Duration.ofMillis(300), 2, dir.resolve("no-unit")));
    }

    Appliance start(Path dataDir, Clock clock, Map<String, String> settings) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("http.bind", "127.0.0.1", "http.https-port", "0",
                "http.http-port", "0", "auth.password-iterations", "1000"));
        all.putAll(settings);
        return Appliance.start(dataDir, ConfigLoader.load(null, Map.of(), all), clock);
    }

    static Finding finding(Doctor.Report report, String check) {
        return report.findings().stream().filter(f -> f.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + check + " in " + report.findings()));
    }

    @Test
    void aHealthyRunningApplianceHasNoFailures() throws Exception {
        Path dataDir = dir.resolve("data");
        try (FakeStun stun = new FakeStun();
             Appliance appliance = start(dataDir, Clock.systemUTC(), Map.of("ice.stun", stun.url()))) {
            StringWriter out = new StringWriter();
            int exit = Main.run(new String[] {"doctor", "--data-dir", dataDir.toString()}, new PrintWriter(out),
                    new PrintWriter(new StringWriter()));

            assertThat(exit).as(out.toString()).isZero();
            assertThat(out.toString()).contains("appliance running", "operators log in at https://",
                    "ok    service", "ok    web", "/healthz answers 200", "ok    certificate ", "ok    database",
                    "this box appears as 127.0.0.1:").doesNotContain("FAIL");

            StringWriter json = new StringWriter();
            Main.run(new String[] {"doctor", "--json", "--data-dir", dataDir.toString()}, new PrintWriter(json),
                    new PrintWriter(new StringWriter()));
            JsonNode report = AdminClient.JSON.readTree(json.toString());
            assertThat(report.path("running").asBoolean()).isTrue();
            assertThat(report.path("findings").findValuesAsText("level")).doesNotContain("fail")
                    .contains("ok");
            assertThat(report.path("findings").findValuesAsText("check")).contains("service", "web",
                    "http-redirect", "certificate", "certificate-names", "clock", "disk", "permissions", "stun",
                    "turn", "database");
        }
    }

    @Test
    void aBrokenStoppedBoxGetsAFixForEachProblem() throws Exception {
        Path dataDir = dir.resolve("data");
        Instant longAgo = Instant.now().minus(Duration.ofDays(900));
        start(dataDir, Clock.fixed(longAgo, ZoneOffset.UTC), Map.of()).close(); // its certificate has expired now
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dataDir.resolve("tls/ca-key.pem"), PosixFilePermissions.fromString("rw-r--r--"));

        Doctor.Report report = doctor(FULL).examine(dataDir, null);

        assertThat(report.running()).isFalse();
        assertThat(report.failed()).isTrue();
        assertThat(finding(report, "service").level()).isEqualTo(Finding.Level.FAIL);
        assertThat(finding(report, "service").fix()).contains("sitewatch serve --data-dir");
        assertThat(finding(report, "certificate")).satisfies(f -> {
            assertThat(f.level()).isEqualTo(Finding.Level.FAIL);
            assertThat(f.detail()).startsWith("expired on");
            assertThat(f.fix()).contains("restart");
        });
        assertThat(finding(report, "disk")).satisfies(f -> {
            assertThat(f.level()).isEqualTo(Finding.Level.FAIL);
            assertThat(f.detail()).contains("0.0 GiB free");
        });
        assertThat(finding(report, "permissions")).satisfies(f -> {
            assertThat(f.level()).isEqualTo(Finding.Level.FAIL);
            assertThat(f.detail()).contains("rwxr-xr-x", "tls/ca-key.pem is rw-r--r--");
            assertThat(f.fix()).isEqualTo("sudo chmod 0700 " + dataDir);
        });
        assertThat(finding(report, "database").level()).isEqualTo(Finding.Level.OK);
        assertThat(report.findings()).allSatisfy(f -> {
            if (f.level() == Finding.Level.FAIL || f.level() == Finding.Level.WARN) {
                assertThat(f.fix()).as(f.check()).isNotBlank().doesNotContain("\n");
            }
        });
    }

    @Test
    void aDamagedDatabaseIsFoundWhileStopped() throws Exception {
        Path dataDir = dir.resolve("data");
        start(dataDir, Clock.systemUTC(), Map.of()).close();
        byte[] db = Files.readAllBytes(dataDir.resolve("sitewatch.db"));
        for (int i = 4096; i < 8192; i++) {
            db[i] = (byte) 0xA5;
        }
        Files.write(dataDir.resolve("sitewatch.db"), db);

        Finding database = finding(doctor(PLENTY).examine(dataDir, null), "database");

        assertThat(database.level()).isEqualTo(Finding.Level.FAIL);
        assertThat(database.fix()).contains("sitewatch restore");
    }

    @Test
    void aPortTakenByAnotherProgramIsNamedWhileStopped() throws Exception {
        Path dataDir = dir.resolve("data");
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = Files.writeString(dir.resolve("sitewatch.conf"), "[http]\nbind = \"127.0.0.1\"\n"
                    + "https-port = " + squatter.getLocalPort() + "\n");

            Doctor.Report report = doctor(PLENTY).examine(dataDir, config);

            assertThat(finding(report, "config").level()).isEqualTo(Finding.Level.OK);
            assertThat(finding(report, "ports")).satisfies(f -> {
                assertThat(f.level()).isEqualTo(Finding.Level.FAIL);
                assertThat(f.detail()).contains("port " + squatter.getLocalPort() + " is taken by another program");
                assertThat(f.fix()).contains("http.https-port");
            });
        }
    }

    @Test
    void anInvalidConfigIsAFailure() throws Exception {
        Path config = Files.writeString(dir.resolve("sitewatch.conf"), "[http]\nhttps-prot = 443\n");

        Finding finding = finding(doctor(PLENTY).examine(dir.resolve("data"), config), "config");

        assertThat(finding.level()).isEqualTo(Finding.Level.FAIL);
        assertThat(finding.detail()).contains("https-prot");
    }

    @Test
    void stunServersThatDoNotAnswerOrDoNotResolveAreToldApart() throws Exception {
        int silent;
        try (DatagramSocket nobody = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silent = nobody.getLocalPort(); // bound and never read: requests go unanswered
            Path config = Files.writeString(dir.resolve("sitewatch.conf"), "[ice]\nstun = [\"stun:127.0.0.1:"
                    + silent + "\", \"stun:stun.sitewatch.invalid:3478\", \"stuns:stun.example:5349\"]\n"
                    + "turn = [\"turn:127.0.0.1:" + silent + "\"]\nturn-secret = \"s\"\n");

            List<Finding> ice = doctor(PLENTY).examine(dir.resolve("data"), config).findings().stream()
                    .filter(f -> f.check().equals("stun") || f.check().equals("turn")).toList();

            assertThat(ice).extracting(Finding::level).containsExactly(Finding.Level.WARN, Finding.Level.SKIP,
                    Finding.Level.SKIP, Finding.Level.WARN);
            assertThat(ice.get(0).fix()).contains("allow outgoing UDP to 127.0.0.1:" + silent);
            assertThat(ice.get(1).detail()).contains("cannot resolve stun.sitewatch.invalid", "not checked");
        }
    }
}
