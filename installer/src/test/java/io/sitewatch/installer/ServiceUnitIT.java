package io.sitewatch.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged systemd unit: systemd's own verifier, and the settings the appliance relies on. */
class ServiceUnitIT {

    @TempDir
    Path dir;

    @Test
    void systemdAnalyzeVerifyFindsNothing() throws Exception {
        Path root = dir.resolve("root");
        Shell.run("dpkg-deb", "--extract", Shell.DEB.toString(), root.toString()).ok();
        // The unit's dependencies (sysinit.target, network-online.target...) come from this machine's systemd.
        Shell.run("cp", "-an", "/lib/systemd/system/.", root.resolve("lib/systemd/system") + "/").ok();

        Shell.Result verify = Shell.run(Map.of("MANPATH", root.resolve("usr/share/man").toString()),
                List.of("systemd-analyze", "verify", "--root=" + root, "/lib/systemd/system/sitewatch.service"));

        assertThat(verify.output()).isEmpty();
        assertThat(verify.exit()).isZero();
    }

    @Test
    void runsHardenedAsSitewatchAndMayBindOnlyLowPorts() throws Exception {
        Map<String, List<String>> unit = parse(Shell.SOURCES.resolve("sitewatch.service"));

        assertThat(unit).containsEntry("User", List.of("sitewatch")).containsEntry("Group", List.of("sitewatch"))
                .containsEntry("ExecStart", List.of("/usr/bin/sitewatch serve"))
                .containsEntry("NoNewPrivileges", List.of("yes"))
                .containsEntry("ProtectSystem", List.of("strict"))
                .containsEntry("ProtectHome", List.of("yes"))
                .containsEntry("PrivateTmp", List.of("yes"))
                .containsEntry("ReadWritePaths", List.of("/var/lib/sitewatch"))
                .containsEntry("CapabilityBoundingSet", List.of("CAP_NET_BIND_SERVICE"))
                .containsEntry("AmbientCapabilities", List.of("CAP_NET_BIND_SERVICE"))
                .containsEntry("Restart", List.of("on-failure"))
                .containsEntry("StandardOutput", List.of("journal"))
                .containsEntry("StandardError", List.of("journal"))
                .containsEntry("UMask", List.of("0077"))
                .containsEntry("SuccessExitStatus", List.of("143"))
                .containsEntry("WantedBy", List.of("multi-user.target"));
        assertThat(unit.get("Environment").get(0)).contains("SITEWATCH_DATA_DIR=/var/lib/sitewatch",
                "SITEWATCH_CONFIG=/etc/sitewatch/sitewatch.conf");
        // Long enough for the appliance to send close 1001 to every session and close the database.
        assertThat(unit.get("TimeoutStopSec")).containsExactly("30s");
        assertThat(unit).doesNotContainKey("MemoryDenyWriteExecute"); // the JVM's JIT writes code
    }

    /** key -> values in file order; comments and section headers skipped (every key here is unique per unit). */
    static Map<String, List<String>> parse(Path file) throws Exception {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith("[")) {
                continue;
            }
            int eq = l.indexOf('=');
            entries.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
        return entries;
    }
}
