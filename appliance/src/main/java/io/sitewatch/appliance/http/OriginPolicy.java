package io.sitewatch.appliance.http;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Which pages may open {@code /signal} (protocol.md, Transport): a handshake without an
 * Origin header (non-browser clients) or from the appliance's own origin or a configured
 * origin passes; any other origin is refused with 403.
 */
final class OriginPolicy {

    private final Set<String> allowed;

    OriginPolicy(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalize).collect(Collectors.toUnmodifiableSet());
    }

    boolean allows(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return true;
        }
        String normalized = normalize(origin);
        String host = request.getHeaders().get(HttpHeader.HOST);
        String own = (request.isSecure() ? "https://" : "http://") + (host == null ? "" : host);
        return normalized.equals(normalize(own)) || allowed.contains(normalized);
    }

    /** Lower case, without a default port or trailing slash. */
    static String normalize(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        if (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        if (o.startsWith("https://") && o.endsWith(":443")) {
            o = o.substring(0, o.length() - 4);
        } else if (o.startsWith("http://") && o.endsWith(":80")) {
            o = o.substring(0, o.length() - 3);
        }
        return o;
    }
}
