package io.sitewatch.appliance.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Headers every response carries (design.md, HTTP surface): a strict Content-Security-Policy
 * (no inline script or style), no referrer (kiosk URLs carry tokens) and no sniffing or framing.
 */
final class SecureHeaders extends Handler.Wrapper {

    private final String csp;

    /** @param alsoConnect more origins the pages may open sockets to (a standby's signaling) */
    SecureHeaders(Handler handler, java.util.List<String> alsoConnect) {
        super(handler);
        this.csp = csp(alsoConnect);
    }

    static String csp(java.util.List<String> alsoConnect) {
        return String.join("; ",
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src 'self' data: blob:",
                "media-src 'self' blob: mediastream:",
                String.join(" ", java.util.stream.Stream.concat(java.util.stream.Stream.of("connect-src 'self'"),
                        alsoConnect.stream()).toList()),
                "object-src 'none'",
                "base-uri 'none'",
                "form-action 'self'",
                "frame-ancestors 'none'");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpFields.Mutable headers = response.getHeaders();
        headers.put("Content-Security-Policy", csp);
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Permissions-Policy", "camera=(self), microphone=(self), geolocation=()");
        return super.handle(request, response, callback);
    }
}
