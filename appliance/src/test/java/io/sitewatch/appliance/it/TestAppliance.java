package io.sitewatch.appliance.it;

import io.sitewatch.appliance.Appliance;
import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.appliance.registry.Registry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The real appliance on free loopback ports and a temporary data directory, plus provisioning helpers. */
public final class TestAppliance implements AutoCloseable {

    public final Path dataDir;
    public final Appliance appliance;

    private TestAppliance(Path dataDir, Appliance appliance) {
        this.dataDir = dataDir;
        this.appliance = appliance;
    }

    public static TestAppliance plain(Path dataDir) throws Exception {
        return start(dataDir, Map.of("http.tls", "false"));
    }

    public static TestAppliance tls(Path dataDir) throws Exception {
        return start(dataDir, Map.of());
    }

    public static TestAppliance start(Path dataDir, Map<String, String> settings) throws Exception {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("http.bind", "127.0.0.1");
        overrides.put("http.https-port", "0");
        overrides.put("http.http-port", "0");
        overrides.put("auth.password-iterations", "1000");
        overrides.putAll(settings);
        Config config = ConfigLoader.load(null, Map.of(), overrides);
        return new TestAppliance(dataDir, Appliance.start(dataDir, config, Clock.systemUTC()));
    }

    public TestAppliance restart(Map<String, String> settings) throws Exception {
        appliance.close();
        return start(dataDir, settings);
    }

    public URI signal() {
        return URI.create(appliance.baseUrl().replaceFirst("^http", "ws") + "/signal");
    }

    public URI http(String path) {
        return URI.create(appliance.baseUrl() + path);
    }

    public String origin() {
        return appliance.baseUrl();
    }

    public String site(String id) {
        return appliance.registry().addSite(new Registry.SiteSpec(id, "Site " + id, "yard", null)).token();
    }

    public String site(String id, String group) {
        return appliance.registry().addSite(new Registry.SiteSpec(id, "Site " + id, "yard", group)).token();
    }

    public String operator(String name) {
        return operator(name, null);
    }

    public String operator(String name, Set<String> groups) {
        appliance.registry().addOperator(name, "password-" + name, groups);
        return appliance.registry().issueOperatorToken(name, null).token();
    }

    /** The admin API's status, as JSON. */
    public com.fasterxml.jackson.databind.JsonNode status() throws Exception {
        org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();
        http.start();
        try {
            return WsClient.JSON.readTree(http.newRequest("http://localhost/v1/status")
                    .transport(new org.eclipse.jetty.io.Transport.TCPUnix(appliance.adminSocket())).send()
                    .getContent());
        } finally {
            http.stop();
        }
    }

    /** A raw GET of the admin status over loopback HTTP, so the Host header is exactly the caller's; the whole answer. */
    public static String rawAdminGet(int port, String host, String authorization) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String request = "GET /v1/status HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        appliance.close();
    }
}
