package io.sitewatch.appliance.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Read-only GET endpoints: {@code /healthz} (JSON) and {@code /metrics} (Prometheus text). */
final class SimpleHandlers {

    private SimpleHandlers() {}

    static Handler json(Supplier<Object> body) {
        return new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (refuseNonGet(request, response, callback)) {
                    return true;
                }
                HttpJson.send(response, callback, HttpStatus.OK_200, body.get());
                return true;
            }
        };
    }

    static Handler text(String contentType, Supplier<String> body) {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (refuseNonGet(request, response, callback)) {
                    return true;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                response.write(true, ByteBuffer.wrap(body.get().getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        };
    }

    private static boolean refuseNonGet(Request request, Response response, Callback callback) {
        if (HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod())) {
            return false;
        }
        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        HttpJson.error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "method-not-allowed", "use GET");
        return true;
    }
}
