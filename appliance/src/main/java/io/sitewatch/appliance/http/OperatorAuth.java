package io.sitewatch.appliance.http;

import io.sitewatch.appliance.signal.Credentials;
import io.sitewatch.appliance.signal.Identity;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The operator behind {@code Authorization: Bearer <token>} on the apps' read-only JSON endpoints. */
final class OperatorAuth {

    private OperatorAuth() {}

    /**
     * The operator making this GET request; otherwise answers 405 or 401 itself and returns empty.
     */
    static Optional<Identity> require(Request request, Response response, Callback callback, Credentials credentials) {
        if (!HttpMethod.GET.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            HttpJson.error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "method-not-allowed", "use GET");
            return Optional.empty();
        }
        Optional<Identity> operator = bearer(request).flatMap(credentials::authenticate).filter(Identity::isOperator);
        if (operator.isEmpty()) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            HttpJson.error(response, callback, HttpStatus.UNAUTHORIZED_401, "unauthorized",
                    "send an operator token as 'Authorization: Bearer <token>'");
        }
        return operator;
    }

    private static Optional<String> bearer(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).strip());
    }
}
