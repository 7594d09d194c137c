package io.sitewatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The doctor's judgements on given facts. */
class ChecksTest {

    static final long GIB = 1L << 30;

    @Test
    void diskFailsWhenTheDatabaseCannotGrowAndWarnsWhenLow() {
        assertThat(Checks.disk(100 * GIB, 200 * GIB).level()).isEqualTo(Finding.Level.OK);
        assertThat(Checks.disk(GIB, 200 * GIB).level()).isEqualTo(Finding.Level.WARN);
        assertThat(Checks.disk(5 * GIB, 100 * GIB).level()).isEqualTo(Finding.Level.WARN); // under 10 %
        assertThat(Checks.disk(200L << 20, 200 * GIB)).satisfies(f -> {
            assertThat(f.level()).isEqualTo(Finding.Level.FAIL);
            assertThat(f.fix()).contains("journalctl --vacuum-size");
        });
    }

    @Test
    void aClockBeforeTheBuildIsWrong() {
        Instant built = Instant.parse("2026-11-01T00:00:00Z");
        assertThat(Checks.clock(Instant.parse("2026-11-02T00:00:00Z"), Optional.of(built)).level())
                .isEqualTo(Finding.Level.OK);
        assertThat(Checks.clock(Instant.parse("2020-01-01T00:00:00Z"), Optional.of(built))).satisfies(f -> {
            assertThat(f.level()).isEqualTo(Finding.Level.FAIL);
            assertThat(f.fix()).contains("timedatectl set-ntp true");
        });
        assertThat(Checks.clock(Instant.parse("2020-01-01T00:00:00Z"), Optional.empty()).level())
                .isEqualTo(Finding.Level.OK);
    }

    @Test
    void operatorsAreSentToAnAddressOtherDevicesReach() {
        var names = new LinkedHashSet<>(List.of("DNS:localhost", "IP:127.0.0.1", "IP:::1", "DNS:box",
                "IP:fd00::2", "IP:10.1.2.3"));
        assertThat(Checks.operatorUrl(names, 443, true)).isEqualTo("https://10.1.2.3/operator/");
        assertThat(Checks.operatorUrl(names, 8443, true)).isEqualTo("https://10.1.2.3:8443/operator/");
        assertThat(Checks.operatorUrl(new LinkedHashSet<>(List.of("DNS:localhost", "DNS:box")), 80, false))
                .isEqualTo("http://box/operator/");
    }

    @Test
    void stunUrlsGiveHostAndPort() {
        assertThat(StunProbe.parse("stun:stun.l.google.com:19302")).satisfies(a -> {
            assertThat(a.getHostString()).isEqualTo("stun.l.google.com");
            assertThat(a.getPort()).isEqualTo(19302);
        });
        assertThat(StunProbe.parse("turn:turn.example?transport=udp").getPort()).isEqualTo(3478);
        assertThat(StunProbe.parse("stun:[2001:db8::1]:3479").getHostString()).isEqualTo("2001:db8::1");
    }
}
