package io.sitewatch.appliance.tls;

import static io.sitewatch.appliance.tls.TestPki.address;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class HostNamesTest {

    @Test
    void loopbackNamesAreAlwaysRequired() {
        assertThat(HostNames.requiredNames(null, null, List.of()))
                .containsExactly("DNS:localhost", "IP:127.0.0.1", "IP:::1");
    }

    @Test
    void hostAndCanonicalNamesAreAddedInLowerCase() {
        assertThat(HostNames.requiredNames("Box", "box.Example.NET", List.of()))
                .containsExactly("DNS:localhost", "IP:127.0.0.1", "IP:::1", "DNS:box", "DNS:box.example.net");
    }

    @Test
    void namesBrowsersCannotUseAreSkipped() {
        // getCanonicalHostName returns the address itself when reverse lookup fails.
        assertThat(HostNames.requiredNames("under_score", "192.168.1.20", List.of()))
                .containsExactly("DNS:localhost", "IP:127.0.0.1", "IP:::1");
        assertThat(HostNames.requiredNames("-box", "box-.lan", List.of()))
                .containsExactly("DNS:localhost", "IP:127.0.0.1", "IP:::1");
    }

    @Test
    void loopbackAndLinkLocalAddressesAreSkipped() {
        List<InetAddress> addresses = List.of(address("127.0.1.1"), address("169.254.7.7"),
                address("fe80::1"), address("10.1.2.3"), address("2001:db8::5"), address("::1"));

        assertThat(HostNames.requiredNames("box", null, addresses))
                .containsExactly("DNS:localhost", "IP:127.0.0.1", "IP:::1", "DNS:box", "IP:10.1.2.3", "IP:2001:db8::5");
    }

    @Test
    void ipv6AddressesHaveOneTextForm() {
        assertThat(HostNames.ipName(address("fd00:0:0:0:0:0:0:20"))).isEqualTo("IP:fd00::20");
        assertThat(HostNames.ipName(address("2001:DB8:0:0:1:0:0:1"))).isEqualTo("IP:2001:db8::1:0:0:1");
        assertThat(HostNames.ipName(address("2001:db8:0:1:0:0:0:1"))).isEqualTo("IP:2001:db8:0:1::1");
        assertThat(HostNames.ipName(address("1:0:2:3:4:5:6:7"))).isEqualTo("IP:1:0:2:3:4:5:6:7");
        assertThat(HostNames.ipName(address("::"))).isEqualTo("IP:::");
    }

    @Test
    void devicesAreSentToAHostNameElseAnAddressElseLocalhost() throws Exception {
        assertThat(HostNames.deviceHost(HostNames.requiredNames("box", null, List.of(address("10.1.2.3")))))
                .isEqualTo("box");
        assertThat(HostNames.deviceHost(HostNames.requiredNames(null, null, List.of(address("10.1.2.3")))))
                .isEqualTo("10.1.2.3");
        assertThat(HostNames.deviceHost(HostNames.requiredNames(null, null, List.of()))).isEqualTo("localhost");
    }

    @Test
    void primaryNameIsTheHostNameElseLocalhost() {
        assertThat(HostNames.primaryName(HostNames.requiredNames("box", "box.lan", List.of()))).isEqualTo("box");
        assertThat(HostNames.primaryName(HostNames.requiredNames(null, null, List.of()))).isEqualTo("localhost");
    }

    @Test
    void thisMachineNeedsAtLeastTheLoopbackNames() {
        assertThat(HostNames.requiredNames()).startsWith("DNS:localhost", "IP:127.0.0.1", "IP:::1");
    }
}
