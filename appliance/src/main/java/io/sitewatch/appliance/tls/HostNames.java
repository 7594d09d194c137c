package io.sitewatch.appliance.tls;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names and addresses by which browsers may reach this box, as subject-alternative-name strings
 * ({@code "DNS:localhost"}, {@code "IP:127.0.0.1"}, {@code "IP:::1"}). A generated server certificate covers all
 * of them and is reissued when it no longer does (new IP address, renamed host).
 */
public final class HostNames {

    private static final String LOCALHOST = "localhost";

    private static final String LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
    /** Letters, digits and inner hyphens per label (RFC 1123); no underscores, which browsers reject. */
    private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)(" + LABEL + "\\.)*" + LABEL);

    private HostNames() {
    }

    /** The names this box needs now: localhost, its host name(s) and the addresses of its up interfaces. */
    public static Set<String> requiredNames() {
        String hostName = null;
        String canonicalName = null;
        try {
            InetAddress local = InetAddress.getLocalHost();
            hostName = local.getHostName();
            canonicalName = local.getCanonicalHostName();
        } catch (UnknownHostException e) {
            // The host name does not resolve (common with DHCP); the interface addresses still identify the box.
        }
        return requiredNames(hostName, canonicalName, interfaceAddresses());
    }

    /** The computation behind {@link #requiredNames()}, with the host's names and addresses given. */
    static Set<String> requiredNames(String hostName, String canonicalName, Collection<InetAddress> addresses) {
        Set<String> names = new LinkedHashSet<>(List.of("DNS:" + LOCALHOST, "IP:127.0.0.1", "IP:::1"));
        for (String name : Arrays.asList(hostName, canonicalName)) {
            if (name != null && isDnsName(name.toLowerCase(Locale.ROOT))) {
                names.add("DNS:" + name.toLowerCase(Locale.ROOT));
            }
        }
        for (InetAddress address : addresses) {
            // Link-local addresses need a zone id, which URLs and certificates cannot carry.
            if (!address.isLoopbackAddress() && !address.isLinkLocalAddress() && !address.isAnyLocalAddress()
                    && !address.isMulticastAddress()) {
                names.add(ipName(address));
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** The name a certificate's subject and CA are called by: the host name, else localhost. */
    static String primaryName(Collection<String> names) {
        return names.stream()
                .filter(n -> n.startsWith("DNS:") && !n.equals("DNS:" + LOCALHOST))
                .map(n -> n.substring(4))
                .findFirst()
                .orElse(LOCALHOST);
    }

    /**
     * The host other devices should use, from names as above: the first DNS name other than localhost, else the
     * first address other than a loopback one, else localhost.
     */
    public static String deviceHost(Collection<String> names) {
        String name = primaryName(names);
        if (!name.equals(LOCALHOST)) {
            return name;
        }
        return names.stream()
                .filter(n -> n.startsWith("IP:") && !n.equals("IP:127.0.0.1") && !n.equals("IP:::1"))
                .map(n -> n.substring(3))
                .findFirst()
                .orElse(LOCALHOST);
    }

    /** {@code "IP:"} and the address in one canonical text form (RFC 5952 for IPv6), so names compare as strings. */
    static String ipName(InetAddress address) {
        if (address instanceof Inet4Address) {
            return "IP:" + address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        // The longest run of two or more zero groups becomes "::", the first on a tie (RFC 5952, section 4.2.3).
        int runStart = -1;
        int runLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder text = new StringBuilder("IP:");
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                text.append("::");
                i += runLength - 1;
            } else {
                if (text.charAt(text.length() - 1) != ':') {
                    text.append(':');
                }
                text.append(Integer.toHexString(groups[i]));
            }
        }
        return text.toString();
    }

    /** A numeric last label means an IPv4 literal, which getCanonicalHostName returns when reverse lookup fails. */
    private static boolean isDnsName(String name) {
        String lastLabel = name.substring(name.lastIndexOf('.') + 1);
        return DNS_NAME.matcher(name).matches() && !lastLabel.chars().allMatch(Character::isDigit);
    }

    private static List<InetAddress> interfaceAddresses() {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp()) {
                    addresses.addAll(Collections.list(nif.getInetAddresses()));
                }
            }
        } catch (SocketException e) {
            // No interface list: the certificate still covers localhost and the host name.
        }
        return addresses;
    }
}
