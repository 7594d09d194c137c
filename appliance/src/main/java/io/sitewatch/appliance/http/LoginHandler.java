package io.sitewatch.appliance.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.auth.LoginThrottle;
import io.sitewatch.appliance.auth.Tokens;
import io.sitewatch.appliance.registry.Registry;
import io.sitewatch.appliance.store.StoreException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/login} with {@code {"name":..,"password":..}} returns an expiring operator
 * token. A wrong name or password is 401; repeated failures are slowed down with 429.
 */
final class LoginHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(LoginHandler.class);
    private static final int MAX_BODY = 4096;

    private final Registry registry;
    private final LoginThrottle throttle;

    LoginHandler(Registry registry, LoginThrottle throttle) {
        this.registry = registry;
        this.throttle = throttle;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
        if (!HttpMethod.POST.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            HttpJson.error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "method-not-allowed",
                    "use POST");
            return true;
        }
        byte[] body = HttpJson.readBody(request, MAX_BODY);
        if (body == null) {
            HttpJson.error(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "too-large",
                    "a login is at most " + MAX_BODY + " bytes");
            return true;
        }
        Optional<String[]> credentials = parse(body);
        if (credentials.isEmpty()) {
            HttpJson.error(response, callback, HttpStatus.BAD_REQUEST_400, "bad-request",
                    "send {\"name\":\"...\",\"password\":\"...\"} as JSON");
            return true;
        }
        String name = credentials.get()[0];
        String address = Request.getRemoteAddr(request);
        long wait = throttle.waitMillis(name, address);
        if (wait > 0) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString((wait + 999) / 1000));
            HttpJson.error(response, callback, HttpStatus.TOO_MANY_REQUESTS_429, "slow-down",
                    "too many failed logins; try again in " + (wait + 999) / 1000 + " s");
            return true;
        }
        Optional<Tokens.Issued> issued;
        try {
            issued = registry.login(name, credentials.get()[1]);
        } catch (StoreException.Full e) {
            LOG.warn("login of '{}' refused: {}", name, e.getMessage());
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "60");
            HttpJson.error(response, callback, HttpStatus.INSUFFICIENT_STORAGE_507, "disk-full",
                    "the appliance's disk is full; ask the admin to free space, then log in again");
            return true;
        }
        if (issued.isEmpty()) {
            throttle.failed(name, address);
            LOG.info("login failed for '{}' from {}", name, address);
            HttpJson.error(response, callback, HttpStatus.UNAUTHORIZED_401, "unauthorized",
                    "wrong name or password");
            return true;
        }
        throttle.succeeded(name);
        LOG.info("operator '{}' logged in from {}", name, address);
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("name", name);
        ok.put("token", issued.get().token());
        ok.put("expiresAt", issued.get().record().expiresAt().toString());
        HttpJson.send(response, callback, HttpStatus.OK_200, ok);
        return true;
    }

    private static Optional<String[]> parse(byte[] body) {
        try {
            JsonNode json = HttpJson.MAPPER.readTree(body);
            JsonNode name = json.get("name");
            JsonNode password = json.get("password");
            if (name != null && name.isTextual() && password != null && password.isTextual()
                    && !name.textValue().isEmpty() && name.textValue().length() <= 64) {
                return Optional.of(new String[] {name.textValue(), password.textValue()});
            }
        } catch (IOException e) {
            // malformed JSON: answered below like any other bad body
        }
        return Optional.empty();
    }
}
