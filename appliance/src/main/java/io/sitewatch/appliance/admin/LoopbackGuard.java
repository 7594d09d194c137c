package io.sitewatch.appliance.admin;

import io.sitewatch.appliance.http.HttpJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the admin API where it is reached over loopback TCP instead of the Unix socket. Any local process, and
 * any web page a browser on the box opens, can reach a loopback port, so a request must name the appliance in
 * its {@code Host} header (a DNS-rebinding page sends its own name) and carry the token only the service user
 * can read. Requests on the Unix socket pass untouched: the file system already decided who may connect.
 */
final class LoopbackGuard extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackGuard.class);

    private final Connector guarded;
    private final Set<String> hosts;
    private final byte[] expected;

    LoopbackGuard(Handler api, Connector guarded, int port, String token) {
        super(api);
        this.guarded = guarded;
        this.hosts = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getConnector() != guarded) {
            return super.handle(request, response, callback);
        }
        String remote = Request.getRemoteAddr(request);
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null || !hosts.contains(host.toLowerCase(java.util.Locale.ROOT))) {
            LOG.warn("admin API over loopback: refused a request from {} for host '{}'", remote,
                    host == null ? "" : host.length() > 80 ? host.substring(0, 80) + "..." : host);
            HttpJson.error(response, callback, HttpStatus.MISDIRECTED_REQUEST_421, "wrong-host",
                    "the admin API answers only requests for 127.0.0.1 or localhost on its own port");
            return true;
        }
        HttpField authorization = request.getHeaders().getField(HttpHeader.AUTHORIZATION);
        byte[] given = authorization == null ? new byte[0] : authorization.getValue().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, expected)) {
            // Never the header itself: a mistyped token is still most of a secret.
            LOG.warn("admin API over loopback: refused a request from {} {}", remote,
                    authorization == null ? "without a token" : "with a wrong token");
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            HttpJson.error(response, callback, HttpStatus.UNAUTHORIZED_401, "unauthorized",
                    "send Authorization: Bearer <the token in the data directory's admin.token>");
            return true;
        }
        return super.handle(request, response, callback);
    }
}
