package io.sitewatch.appliance.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.store.StoreException;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin router's error mapping, through Jetty's in-memory connector. */
class RoutesTest {

    Server server;
    LocalConnector connector;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        server.setHandler(new Routes()
                .add("POST", "/v1/full", call -> {
                    throw new StoreException.Full("cannot add 3 sites: the disk holding the database is full",
                            null);
                })
                .add("GET", "/v1/ok", call -> java.util.Map.of("fine", true)));
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void aFullDiskIs507DiskFullWithTheReason() throws Exception {
        String response = connector.getResponse("POST /v1/full HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 507 ")
                .contains("\"error\":\"disk-full\"")
                .contains("cannot add 3 sites: the disk holding the database is full; nothing was changed");
        assertThat(connector.getResponse("GET /v1/ok HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200 ");
    }
}
