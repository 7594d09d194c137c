package io.sitewatch.appliance.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.sitewatch.appliance.http.HttpJson;
import io.sitewatch.appliance.registry.RegistryException;
import io.sitewatch.appliance.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small router for the admin API: {@code METHOD /path/{param}} to an endpoint that returns
 * the response body. Errors map to statuses in one place.
 */
final class Routes extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    private static final int MAX_BODY = 32 * 1024 * 1024;

    /** Returned by an endpoint that wrote the response itself (streams). */
    static final Object HANDLED = new Object();

    /** An expected failure with its HTTP status. */
    static final class ApiException extends RuntimeException {
        final int status;
        final String code;

        ApiException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    /** A request as an endpoint sees it. */
    record Call(Request request, Response response, Callback callback, Map<String, String> params, byte[] body) {
        String param(String name) {
            return params.get(name);
        }

        String query(String name) {
            Fields fields = Request.extractQueryParameters(request);
            return fields.getValue(name);
        }

        <T> T body(Class<T> type) {
            if (body.length == 0) {
                throw new ApiException(HttpStatus.BAD_REQUEST_400, "bad-request", "a JSON body is required");
            }
            try {
                return HttpJson.MAPPER.readValue(body, type);
            } catch (java.io.IOException e) {
                throw new ApiException(HttpStatus.BAD_REQUEST_400, "bad-request", "malformed JSON body");
            }
        }
    }

    @FunctionalInterface
    interface Endpoint {
        Object handle(Call call) throws Exception;
    }

    private record Route(String method, Pattern pattern, List<String> names, Endpoint endpoint) {}

    private final List<Route> routes = new ArrayList<>();

    Routes add(String method, String path, Endpoint endpoint) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\{(\\w+)}").matcher(path);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(path.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(path.substring(last)));
        routes.add(new Route(method, Pattern.compile(regex.toString()), names, endpoint));
        return this;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        boolean pathKnown = false;
        for (Route route : routes) {
            Matcher m = route.pattern.matcher(path);
            if (!m.matches()) {
                continue;
            }
            pathKnown = true;
            if (!route.method.equals(request.getMethod())) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            for (int i = 0; i < route.names.size(); i++) {
                params.put(route.names.get(i), org.eclipse.jetty.util.URIUtil.decodePath(m.group(i + 1)));
            }
            run(route, request, response, callback, params);
            return true;
        }
        if (pathKnown) {
            HttpJson.error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "method-not-allowed",
                    request.getMethod() + " is not supported here");
        } else {
            HttpJson.error(response, callback, HttpStatus.NOT_FOUND_404, "not-found", "no such endpoint: " + path);
        }
        return true;
    }

    private void run(Route route, Request request, Response response, Callback callback, Map<String, String> params) {
        try {
            byte[] body = HttpJson.readBody(request, MAX_BODY);
            if (body == null) {
                throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE_413, "too-large", "request body too large");
            }
            Object result = route.endpoint.handle(new Call(request, response, callback, params, body));
            if (result != HANDLED) {
                HttpJson.send(response, callback, HttpStatus.OK_200, result == null ? Map.of("ok", true) : result);
            }
        } catch (ApiException e) {
            HttpJson.error(response, callback, e.status, e.code, e.getMessage());
        } catch (StoreException.Full e) {
            LOG.warn("admin API {} {} refused: {}", request.getMethod(), Request.getPathInContext(request),
                    e.getMessage());
            HttpJson.error(response, callback, HttpStatus.INSUFFICIENT_STORAGE_507, "disk-full",
                    e.getMessage() + "; nothing was changed, free some space and retry");
        } catch (RegistryException e) {
            int status = switch (e.kind()) {
                case NOT_FOUND -> HttpStatus.NOT_FOUND_404;
                case CONFLICT -> HttpStatus.CONFLICT_409;
                case INVALID -> HttpStatus.BAD_REQUEST_400;
            };
            HttpJson.error(response, callback, status, e.kind().name().toLowerCase().replace('_', '-'),
                    e.getMessage());
        } catch (JsonProcessingException e) {
            HttpJson.error(response, callback, HttpStatus.BAD_REQUEST_400, "bad-request", "malformed JSON body");
        } catch (Exception e) {
            LOG.error("admin API {} {} failed", request.getMethod(), Request.getPathInContext(request), e);
            HttpJson.error(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "internal",
                    "internal error: " + e);
        }
    }
}
