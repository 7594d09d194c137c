package io.sitewatch.appliance.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The web apps' files, built on first use; a build without them serves nothing and falls through. */
class WebFilesTest {

    private Server server;

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private LocalConnector serve(String root) throws Exception {
        server = new Server();
        LocalConnector connector = new LocalConnector(server);
        server.addConnector(connector);
        Handler notFound = new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                                  org.eclipse.jetty.util.Callback callback) {
                HttpJson.error(response, callback, 404, "not-found", "no such endpoint");
                return true;
            }
        };
        server.setHandler(new ContextHandler(new Handler.Sequence(new WebFiles(root), notFound), "/"));
        server.start();
        return connector;
    }

    @Test
    void filesOnTheClasspathAreServed() throws Exception {
        LocalConnector http = serve("sitewatch/");
        String response = http.getResponse("GET /webfiles-probe.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200").contains("probe");
    }

    @Test
    void withoutTheFilesEveryRequestFallsThroughToTheNextHandler() throws Exception {
        LocalConnector http = serve("no/such/web/root/");
        for (int i = 0; i < 2; i++) {
            String response = http.getResponse("GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 404").contains("not-found");
        }
    }
}
