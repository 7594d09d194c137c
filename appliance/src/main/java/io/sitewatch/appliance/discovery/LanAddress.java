package io.sitewatch.appliance.discovery;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Optional;

/** The address to announce on: the bind address if specific, else the first up, multicast-capable IPv4 one. */
public final class LanAddress {

    private LanAddress() {}

    public static Optional<InetAddress> find(String bind) throws UnknownHostException {
        InetAddress bound = InetAddress.getByName(bind);
        if (!bound.isAnyLocalAddress()) {
            return Optional.of(bound);
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || !nic.supportsMulticast()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                        return Optional.of(address);
                    }
                }
            }
        } catch (SocketException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
