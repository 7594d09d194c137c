package io.sitewatch.bench.abc;

import io.sitewatch.bench.relay.BareRelay;
import io.sitewatch.cli.loadtest.Dialect;
import io.sitewatch.cli.loadtest.SitewatchDialect;
import java.nio.file.Path;
import java.util.List;

/** Baseline A: {@link BareRelay}, which speaks sitewatch's message shape, so sitewatch's dialect drives it. */
final class BareJetty extends Contender {

    private final List<String> jvmOptions;

    BareJetty(int port, Path workDir, List<String> jvmOptions) {
        super("bare Jetty", port, workDir);
        this.jvmOptions = jvmOptions;
    }

    @Override
    List<String> command() {
        List<String> cmd = new java.util.ArrayList<>(List.of("java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BareRelay.class.getName(),
                Integer.toString(port)));
        return cmd;
    }

    @Override
    String healthPath() {
        return "/healthz";
    }

    @Override
    Dialect dialect() {
        return new SitewatchDialect();
    }

    @Override
    boolean jvm() {
        return true;
    }

    @Override
    Dialect.Identity site(String phase, int i) {
        return new Dialect.Identity(phase + "-s" + i, "any");
    }

    @Override
    Dialect.Identity operator(String phase, int i) {
        return new Dialect.Identity(phase + "-o" + i, "any");
    }
}
