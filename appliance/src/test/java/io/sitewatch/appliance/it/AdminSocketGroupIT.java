package io.sitewatch.appliance.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sitewatch.appliance.config.ConfigException;
import io.sitewatch.appliance.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code admin.socket-group}: the admin socket for the owner only (default) or for one group as well. */
class AdminSocketGroupIT {

    @TempDir
    Path dir;

    @Test
    void aGroupGetsReadAndWriteOnTheSocket() throws Exception {
        String group = primaryGroup();
        try (TestAppliance app = TestAppliance.start(dir.resolve("data"), Map.of("http.tls", "false",
                "admin.socket-group", group))) {
            PosixFileAttributes socket = Files.readAttributes(app.appliance.adminSocket(), PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            assertThat(PosixFilePermissions.toString(socket.permissions())).isEqualTo("rw-rw----");
            assertThat(socket.group().getName()).isEqualTo(group);
        }
    }

    @Test
    void withoutAGroupTheSocketIsOwnerOnly() throws Exception {
        try (TestAppliance app = TestAppliance.start(dir.resolve("data"), Map.of("http.tls", "false"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(app.appliance.adminSocket())))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void anUnknownGroupStopsTheStartWithItsName() {
        Path data = dir.resolve("data");
        assertThatThrownBy(() -> TestAppliance.start(data, Map.of("http.tls", "false",
                "admin.socket-group", "no-such-group-sw")))
                .hasMessageContaining("admin.socket-group")
                .hasMessageContaining("no group 'no-such-group-sw'");
        assertThat(data.resolve("admin.sock")).doesNotExist();
    }

    @Test
    void aGroupNameMustLookLikeOne() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("admin.socket-group", "wheel; rm")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin.socket-group must be a group name");
    }

    private String primaryGroup() throws Exception {
        Path probe = Files.createFile(dir.resolve("probe"));
        return ((GroupPrincipal) Files.getAttribute(probe, "posix:group")).getName();
    }
}
