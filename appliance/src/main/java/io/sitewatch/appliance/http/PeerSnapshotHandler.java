package io.sitewatch.appliance.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/peer/snapshot} for the standby: the online backup archive (database, CA), to
 * {@code Authorization: Bearer <standby.secret>} only. Not served when no secret is configured.
 */
public final class PeerSnapshotHandler extends Handler.Abstract {

    /** Writes the archive; the same one {@code sitewatch backup} makes. */
    @FunctionalInterface
    public interface Snapshot {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PeerSnapshotHandler.class);

    private final byte[] secret;
    private final Snapshot snapshot;

    PeerSnapshotHandler(String secret, Snapshot snapshot) {
        this.secret = ("Bearer " + secret).getBytes(StandardCharsets.UTF_8);
        this.snapshot = snapshot;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.GET.is(request.getMethod())) {
            HttpJson.error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "method-not-allowed", "use GET");
            return true;
        }
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth == null || !MessageDigest.isEqual(secret, auth.getBytes(StandardCharsets.UTF_8))) {
            LOG.info("refused a standby snapshot to {}: wrong or missing secret", Request.getRemoteAddr(request));
            HttpJson.error(response, callback, HttpStatus.UNAUTHORIZED_401, "unauthorized", "wrong standby secret");
            return true;
        }
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/zip");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            snapshot.writeTo(out);
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            LOG.warn("standby snapshot to {} failed: {}", Request.getRemoteAddr(request), e.toString());
            callback.failed(e);
        }
        return true;
    }
}
