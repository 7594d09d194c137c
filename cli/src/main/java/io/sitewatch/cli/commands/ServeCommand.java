package io.sitewatch.cli.commands;

import io.sitewatch.appliance.Appliance;
import io.sitewatch.appliance.Demo;
import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "serve", description = {"Run the appliance: web apps, signaling and the admin API.",
        "Settings come from defaults, then the config file, then SITEWATCH_* environment variables "
                + "(e.g. SITEWATCH_HTTP_HTTPS_PORT), then these flags."})
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    DataDirOption dataDir;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:SITEWATCH_CONFIG}",
            description = "Config file (TOML; default: DIR/sitewatch.conf).")
    Path configFile;

    @Option(names = "--demo", description = "Create demo sites demo-1..demo-4 and operator demo; print their URLs.")
    boolean demo;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default: 0.0.0.0).")
    String bind;

    @Option(names = "--https-port", paramLabel = "PORT", description = "HTTPS port (default: 8443; 0 = any).")
    Integer httpsPort;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Plain HTTP port: redirects to HTTPS, or serves everything with --no-tls (default: 8080).")
    Integer httpPort;

    @Option(names = "--no-tls", description = "Serve plain HTTP and ws:// (only on a loopback --bind).")
    boolean noTls;

    @Option(names = "--origin", paramLabel = "ORIGIN", split = ",",
            description = "Extra origins allowed to open /signal, e.g. https://wall.example.")
    List<String> origins;

    @Option(names = "--stun", paramLabel = "URL", split = ",", description = "STUN servers (stun:host:port).")
    List<String> stun;

    @Option(names = "--turn", paramLabel = "URL", split = ",", description = "TURN servers (turn:host:port).")
    List<String> turn;

    @Option(names = "--turn-username", paramLabel = "NAME", description = "Static TURN user name.")
    String turnUsername;

    @Option(names = "--turn-credential", paramLabel = "SECRET", description = "Static TURN password.")
    String turnCredential;

    @Option(names = "--turn-secret", paramLabel = "SECRET",
            description = "Shared secret for time-limited TURN REST credentials (coturn use-auth-secret).")
    String turnSecret;

    @Option(names = "--heartbeat-ms", paramLabel = "MS", description = "Server ping interval (default: 15000).")
    Long heartbeatMs;

    @Option(names = "--standby-of", paramLabel = "URL",
            description = "Run as the standby of this primary (https://primary:8443): mirror its registry.")
    String standbyOf;

    @Option(names = "--standby-secret", paramLabel = "SECRET",
            description = "The secret the pair shares (standby.secret on both).")
    String standbySecret;

    @Option(names = "--standby-ca", paramLabel = "FINGERPRINT",
            description = "SHA-256 fingerprint of the primary's CA ('sitewatch cert export-ca' on the primary).")
    String standbyCa;

    @Option(names = "--standby-url", paramLabel = "URL",
            description = "On the primary: the standby's signaling URL (wss://standby:8443/signal) for clients.")
    String standbyUrl;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any config key, e.g. --set signal.rate-burst=800.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir.path();
        Path file = configFile != null ? configFile : dir.resolve("sitewatch.conf");
        Config config = ConfigLoader.load(file, System.getenv(), overrides());
        Appliance appliance = Appliance.start(dir, file, config, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            appliance.close();
            stopped.countDown();
        }, "shutdown"));
        if (demo) {
            Demo.Credentials credentials = Demo.prepare(appliance);
            spec.commandLine().getOut().print(Demo.describe(credentials, appliance.baseUrl(),
                    appliance.caFile().orElse(null)));
            spec.commandLine().getOut().flush();
        }
        stopped.await();
        return 0;
    }

    private Map<String, String> overrides() {
        Map<String, String> o = new LinkedHashMap<>(settings);
        put(o, "http.bind", bind);
        put(o, "http.https-port", httpsPort);
        put(o, "http.http-port", httpPort);
        if (noTls) {
            o.put("http.tls", "false");
        }
        put(o, "http.allowed-origins", origins == null ? null : String.join(",", origins));
        put(o, "ice.stun", stun == null ? null : String.join(",", stun));
        put(o, "ice.turn", turn == null ? null : String.join(",", turn));
        put(o, "ice.turn-username", turnUsername);
        put(o, "ice.turn-credential", turnCredential);
        put(o, "ice.turn-secret", turnSecret);
        put(o, "signal.heartbeat-ms", heartbeatMs);
        put(o, "standby.of", standbyOf);
        put(o, "standby.secret", standbySecret);
        put(o, "standby.ca-fingerprint", standbyCa);
        put(o, "standby.url", standbyUrl);
        return o;
    }

    private static void put(Map<String, String> o, String key, Object value) {
        if (value != null) {
            o.put(key, value.toString());
        }
    }
}
