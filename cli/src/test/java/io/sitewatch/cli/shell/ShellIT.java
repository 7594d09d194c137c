package io.sitewatch.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.Appliance;
import io.sitewatch.appliance.admin.AdminServer;
import io.sitewatch.appliance.config.ConfigLoader;
import io.sitewatch.appliance.registry.Registry;
import io.sitewatch.cli.Main;
import io.sitewatch.cli.ScriptedTerminal;
import io.sitewatch.cli.SignalPeer;
import io.sitewatch.cli.client.SocketTransport;
import io.sitewatch.cli.commands.Context;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interactive shell against a real appliance: completion of what is live on it right now. */
class ShellIT {

    @TempDir
    Path dataDir;
    Appliance appliance;
    WebSocketClient ws;
    ScriptedTerminal keyboard;
    Context context;
    CompletableFuture<Integer> shell;

    @BeforeEach
    void start() throws Exception {
        appliance = Appliance.start(dataDir, ConfigLoader.load(null, Map.of(), Map.of("http.tls", "false",
                "http.bind", "127.0.0.1", "http.http-port", "0", "auth.password-iterations", "1000")),
                Clock.systemUTC());
        ws = new WebSocketClient();
        ws.start();
        keyboard = new ScriptedTerminal("xterm-256color");
        context = new Context(dir -> new SocketTransport(dir.resolve(AdminServer.SOCKET_NAME)),
                () -> Optional.of(keyboard.terminal));
    }

    @AfterEach
    void stop() throws Exception {
        keyboard.close();
        if (shell != null) {
            shell.cancel(true);
        }
        ws.stop();
        appliance.close();
    }

    void openShell() throws InterruptedException {
        shell = CompletableFuture.supplyAsync(() -> Main.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), context).execute("shell", "--data-dir", dataDir.toString()));
        keyboard.await("sites 0 ops]> ");
    }

    @Test
    void completesSiteIdsAndSessionIdsThatAreLiveNow() throws Exception {
        String token = appliance.registry().addSite(new Registry.SiteSpec("yard-1", "North yard", null, null)).token();
        openShell();
        keyboard.type("site show y\t");
        keyboard.await("ard-1");
        keyboard.type("\n");
        keyboard.await("name:      North yard");

        try (SignalPeer site = SignalPeer.join(ws, appliance.baseUrl(), token)) {
            int mark = keyboard.screen().length();
            keyboard.type("kick " + site.sessionId.substring(0, 3) + "\t");
            keyboard.await(site.sessionId.substring(3), mark);
            keyboard.type("\n");
            keyboard.await("kicked site yard-1 (session " + site.sessionId + ")", mark);
        }
        keyboard.type("exit\n");
        assertThat(shell.get(10, TimeUnit.SECONDS)).isZero();
    }
}
