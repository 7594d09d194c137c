package io.sitewatch.faults.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.it.WsClient;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.io.Transport;

/** The admin API on an appliance's Unix socket, as the CLI reaches it. */
public final class AdminSocket implements AutoCloseable {

    private final HttpClient http = new HttpClient();
    private final Path socket;

    public AdminSocket(Path socket) throws Exception {
        this.socket = socket;
        http.start();
    }

    public ContentResponse send(String method, String path, String jsonBody) throws Exception {
        var request = http.newRequest("http://localhost" + path).method(method).transport(new Transport.TCPUnix(socket))
                .timeout(20, TimeUnit.SECONDS);
        if (jsonBody != null) {
            request.body(new StringRequestContent("application/json", jsonBody));
        }
        return request.send();
    }

    /** A 200 answer's JSON body; anything else fails the test with the answer. */
    public JsonNode get(String path) throws Exception {
        ContentResponse r = send("GET", path, null);
        if (r.getStatus() != 200) {
            throw new AssertionError("GET " + path + ": " + r.getStatus() + " " + r.getContentAsString());
        }
        return WsClient.JSON.readTree(r.getContentAsString());
    }

    @Override
    public void close() throws Exception {
        http.stop();
    }
}
