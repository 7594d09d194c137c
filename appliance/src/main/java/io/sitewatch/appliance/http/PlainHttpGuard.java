package io.sitewatch.appliance.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * On the plain HTTP port of a TLS appliance: pages are redirected to HTTPS, while
 * {@code /api/*} and {@code /signal} are refused, so no credential ever crosses plain HTTP.
 */
final class PlainHttpGuard extends Handler.Wrapper {

    private final int httpsPort;

    PlainHttpGuard(Handler handler, int httpsPort) {
        super(handler);
        this.httpsPort = httpsPort;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.isSecure()) {
            return super.handle(request, response, callback);
        }
        String path = Request.getPathInContext(request);
        if (path.startsWith("/api/") || path.equals("/signal")) {
            HttpJson.error(response, callback, HttpStatus.FORBIDDEN_403, "https-required",
                    "use https on port " + httpsPort);
            return true;
        }
        String host = Request.getServerName(request);
        String target = "https://" + (host.contains(":") ? "[" + host + "]" : host)
                + (httpsPort == 443 ? "" : ":" + httpsPort) + request.getHttpURI().getPathQuery();
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Response.sendRedirect(request, response, callback, HttpStatus.PERMANENT_REDIRECT_308, target, false);
        return true;
    }
}
