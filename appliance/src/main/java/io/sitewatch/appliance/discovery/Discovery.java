package io.sitewatch.appliance.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance on the LAN over mDNS/DNS-SD (JmDNS): announced as {@code _sitewatch._tcp} and
 * {@code _https._tcp} with its host name, URL and the fingerprint of its CA in TXT, so devices
 * and a standby can find it and check the certificate they will be shown.
 */
public final class Discovery implements AutoCloseable {

    public static final String SITEWATCH = "_sitewatch._tcp.local.";
    public static final String HTTPS = "_https._tcp.local.";
    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    /** One appliance found on the LAN. */
    public record Found(String name, String host, List<String> addresses, int port, String url, String version,
                        String fingerprint) {}

    private final JmDNS mdns;

    private Discovery(JmDNS mdns) {
        this.mdns = mdns;
    }

    /**
     * Announces this appliance on the interface of {@code address}.
     * @param txt host, url, version and ca (fingerprint)
     */
    public static Discovery announce(InetAddress address, String instance, int port, Map<String, String> txt)
            throws IOException {
        JmDNS mdns = JmDNS.create(address, instance.replaceAll("[^A-Za-z0-9-]", "-"));
        try {
            mdns.registerService(ServiceInfo.create(SITEWATCH, instance, port, 0, 0, txt));
            mdns.registerService(ServiceInfo.create(HTTPS, instance, port, 0, 0, txt));
        } catch (IOException | RuntimeException e) {
            mdns.close();
            throw e;
        }
        LOG.info("announced on the LAN (mDNS) as '{}' on {}", instance, address.getHostAddress());
        return new Discovery(mdns);
    }

    /** Lists the appliances that answer within {@code timeoutMs} on the interface of {@code address}. */
    public static List<Found> browse(InetAddress address, long timeoutMs) throws IOException {
        try (JmDNS mdns = JmDNS.create(address)) {
            List<Found> found = new ArrayList<>();
            for (ServiceInfo info : mdns.list(SITEWATCH, timeoutMs)) {
                found.add(new Found(info.getName(), info.getPropertyString("host"),
                        Arrays.stream(info.getHostAddresses()).toList(), info.getPort(), info.getPropertyString("url"),
                        info.getPropertyString("version"), info.getPropertyString("ca")));
            }
            return found;
        }
    }

    @Override
    public void close() {
        try {
            mdns.unregisterAllServices();
            mdns.close();
        } catch (IOException e) {
            LOG.warn("mDNS did not stop cleanly: {}", e.toString());
        }
    }
}
