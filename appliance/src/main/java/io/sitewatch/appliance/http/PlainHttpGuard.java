package io.sitewatch.appliance.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import java.util.function.IntSupplier;
import org.eclipse.jetty.util.Callback;

/**
 * On the plain HTTP port of a TLS appliance: pages are redirected to HTTPS, while
 * {@code /api/*} and {@code /signal} are refused, so no credential ever crosses plain HTTP.
 */
final class PlainHttpGuard extends Handler.Wrapper {

    private final IntSupplier httpsPort;

    /** @param httpsPort the bound HTTPS port (known only once started when configured as 0) */
    PlainHttpGuard(Handler handler, IntSupplier httpsPort) {
        super(handler);
        this.httpsPort = httpsPort;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.isSecure()) {
            return super.handle(request, response, callback);
        }
        int port = httpsPort.getAsInt();
        String path = Request.getPathInContext(request);
        if (path.startsWith("/api/") || path.equals("/signal")) {
            // The body (perhaps a password) is never read: the connection closes, so no client reuses it
            // while Jetty is still discarding it (a reused one could end before the next response).
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            HttpJson.error(response, callback, HttpStatus.FORBIDDEN_403, "https-required",
                    "use https on port " + port);
            return true;
        }
        String host = Request.getServerName(request);
        String target = "https://" + (host.contains(":") ? "[" + host + "]" : host)
                + (port == 443 ? "" : ":" + port) + request.getHttpURI().getPathQuery();
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Response.sendRedirect(request, response, callback, HttpStatus.PERMANENT_REDIRECT_308, target, false);
        return true;
    }
}
