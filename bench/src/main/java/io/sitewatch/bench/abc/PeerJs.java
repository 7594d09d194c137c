package io.sitewatch.bench.abc;

import io.sitewatch.cli.loadtest.Dialect;
import java.nio.file.Path;
import java.util.List;

/**
 * Baseline B: PeerJS server (npm {@code peer} 1.0.x) on node. Its concurrent limit is raised
 * for the idle-session phase and its alive timeout lengthened because the generator sends
 * no PeerJS HEARTBEAT (real clients send one every 5 s, which would only add to its load).
 */
final class PeerJs extends Contender {

    private final Path script;

    PeerJs(int port, Path workDir, Path script) {
        super("PeerJS", port, workDir);
        this.script = script;
    }

    @Override
    List<String> command() {
        return List.of("node", script.toString(), "--port", Integer.toString(port), "--host", "127.0.0.1",
                "--concurrent_limit", "50000", "--alive_timeout", "600000");
    }

    @Override
    String healthPath() {
        return "/";
    }

    @Override
    Dialect dialect() {
        return new PeerJsDialect();
    }

    @Override
    boolean jvm() {
        return false;
    }

    @Override
    Dialect.Identity site(String phase, int i) {
        return new Dialect.Identity(phase + "-s" + i, "t" + i);
    }

    @Override
    Dialect.Identity operator(String phase, int i) {
        return new Dialect.Identity(phase + "-o" + i, "t" + i);
    }
}
