package io.sitewatch.cli.doctor;

import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.tls.TlsMaterial;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The doctor's judgements: facts in, findings out, no I/O. */
final class Checks {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Checks() {}

    /** Where to reach the appliance from this box: loopback for a wildcard bind, else the bound address. */
    static String localHost(String bind) {
        try {
            InetAddress address = InetAddress.getByName(bind);
            return address.isAnyLocalAddress() ? "127.0.0.1" : bind;
        } catch (UnknownHostException e) {
            return bind;
        }
    }

    static Finding web(WebProbe.Result web, String host, int port, boolean tls) {
        String url = (tls ? "https" : "http") + "://" + host + ":" + port + "/healthz";
        if (web.status() == 200) {
            return Finding.ok("web", url + " answers 200");
        }
        String what = web.status() == 0 ? "no answer: " + web.error() : "answers " + web.status();
        return Finding.fail("web", url + " " + what, "see what holds the port: sudo ss -ltnp 'sport = :" + port
                + "'; then journalctl -u sitewatch -n 50");
    }

    static Finding redirect(boolean listening, int port) {
        return listening ? Finding.ok("http-redirect", "port " + port + " accepts connections (redirects to HTTPS)")
                : Finding.warn("http-redirect", "port " + port + " does not accept connections: typing the bare "
                + "address in a browser fails", "check the firewall for TCP port " + port);
    }

    /** With the appliance stopped, a port that answers belongs to another program, which would stop the start. */
    static List<Finding> portsWhileStopped(Config.Http http) {
        List<Finding> findings = new ArrayList<>();
        String host = localHost(http.bind());
        List<Integer> ports = http.tls() ? List.of(http.httpsPort(), http.httpPort()) : List.of(http.httpPort());
        for (int port : ports) {
            if (port > 0 && WebProbe.listening(host, port)) {
                findings.add(Finding.fail("ports", "port " + port + " is taken by another program: sitewatch cannot"
                        + " start", "find it with sudo ss -ltnp 'sport = :" + port + "' and stop it, or choose "
                        + "another port in http." + (port == http.httpsPort() && http.tls() ? "https-port"
                        : "http-port")));
            }
        }
        if (findings.isEmpty()) {
            findings.add(Finding.ok("ports", "ports " + ports + " are free for sitewatch"));
        }
        return findings;
    }

    static List<Finding> certificate(X509Certificate certificate, boolean generated, Instant now,
                                     Set<String> requiredNames) {
        String renew = generated ? "sudo systemctl restart sitewatch: it renews its own certificate at start"
                : "install a renewed certificate (tls.certificate or tls.keystore) and restart sitewatch";
        Instant notAfter = certificate.getNotAfter().toInstant();
        Instant notBefore = certificate.getNotBefore().toInstant();
        List<Finding> findings = new ArrayList<>();
        if (notAfter.isBefore(now)) {
            findings.add(Finding.fail("certificate", "expired on " + DAY.format(notAfter)
                    + ": browsers refuse the apps", renew));
        } else if (notBefore.isAfter(now)) {
            findings.add(Finding.fail("certificate", "not valid before " + DAY.format(notBefore)
                    + ": is the clock right?", "set the clock (sudo timedatectl set-ntp true), then " + renew));
        } else if (notAfter.minus(Doctor.RENEW_WARNING).isBefore(now)) {
            findings.add(Finding.warn("certificate", "expires on " + DAY.format(notAfter), renew));
        } else {
            findings.add(Finding.ok("certificate", (generated ? "the appliance's own, " : "") + "valid until "
                    + DAY.format(notAfter)));
        }
        List<String> names = TlsMaterial.subjectAltNames(certificate);
        List<String> missing = requiredNames.stream().filter(n -> !names.contains(n)).toList();
        if (missing.isEmpty()) {
            findings.add(Finding.ok("certificate-names", "covers " + strip(names)));
        } else {
            findings.add(Finding.warn("certificate-names", "does not cover " + strip(missing)
                    + ": devices using those addresses get a warning", generated
                    ? "sudo systemctl restart sitewatch: it reissues the certificate for the current addresses"
                    : "get a certificate that also names " + strip(missing)));
        }
        return findings;
    }

    static Finding clock(Instant now, Optional<Instant> built) {
        if (built.isPresent() && now.isBefore(built.get())) {
            return Finding.fail("clock", "the clock says " + DAY.format(now) + ", before this sitewatch was built ("
                    + DAY.format(built.get()) + "): certificates and tokens look invalid",
                    "set the time and keep it synchronized: sudo timedatectl set-ntp true");
        }
        return Finding.ok("clock", DAY.format(now) + (built.isPresent() ? ", not before this build" : ""));
    }

    static Finding disk(long usable, long total) {
        String detail = gib(usable) + " free of " + gib(total) + " on the data directory's file system";
        String fix = "free space there: old files, journalctl --vacuum-size=200M, apt-get clean";
        if (usable < Doctor.FULL_DISK) {
            return Finding.fail("disk", detail + ": the database cannot grow", fix);
        }
        if (usable < Doctor.LOW_DISK || usable < total / 10) {
            return Finding.warn("disk", detail, fix);
        }
        return Finding.ok("disk", detail);
    }

    static Finding database(List<String> problems) {
        if (problems.isEmpty()) {
            return Finding.ok("database", "integrity ok");
        }
        return Finding.fail("database", "damaged: " + String.join("; ", problems.subList(0,
                Math.min(3, problems.size()))), "stop sitewatch and restore the last backup: sitewatch restore FILE");
    }

    /** The operator app's address for other devices: an IPv4 address of this box, else its name. */
    static String operatorUrl(Set<String> names, int port, boolean tls) {
        String host = names.stream().filter(n -> n.startsWith("IP:") && n.contains(".") && !n.equals("IP:127.0.0.1"))
                .map(n -> n.substring(3)).findFirst()
                .orElse(names.stream().filter(n -> n.startsWith("DNS:") && !n.equals("DNS:localhost"))
                        .map(n -> n.substring(4)).findFirst().orElse("localhost"));
        boolean defaultPort = tls ? port == 443 : port == 80;
        return (tls ? "https" : "http") + "://" + host + (defaultPort ? "" : ":" + port) + "/operator/";
    }

    static String duration(Duration d) {
        if (d.toDays() > 0) {
            return d.toDays() + " d " + d.toHoursPart() + " h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    private static String strip(List<String> names) {
        return String.join(", ", names.stream().map(n -> n.substring(n.indexOf(':') + 1)).toList());
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
