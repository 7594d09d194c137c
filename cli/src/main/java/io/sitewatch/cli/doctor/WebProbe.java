package io.sitewatch.cli.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code GET /healthz} on a port of this box, the way a browser would reach it, keeping the certificate chain the
 * server presents. The chain is inspected, not trusted: checking it is what the doctor is for.
 */
final class WebProbe {

    /** @param status the HTTP status, 0 when the connection or the request failed ({@code error} says why) */
    record Result(int status, List<X509Certificate> chain, String error) {}

    private static final int TIMEOUT_MS = 3000;

    private WebProbe() {}

    static Result healthz(String host, int port, boolean tls) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            plain.setSoTimeout(TIMEOUT_MS);
            List<X509Certificate> chain = new ArrayList<>();
            Socket socket = plain;
            if (tls) {
                SSLSocket ssl = (SSLSocket) inspectingContext().getSocketFactory().createSocket(plain, "localhost",
                        port, true);
                ssl.startHandshake();
                for (Certificate certificate : ssl.getSession().getPeerCertificates()) {
                    chain.add((X509Certificate) certificate);
                }
                socket = ssl;
            }
            OutputStream out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new Result(statusCode(socket.getInputStream()), chain, null);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return new Result(0, List.of(), e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Whether anything accepts TCP connections on the port. */
    static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int statusCode(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n' && line.length() < 200; c = in.read()) {
            line.append((char) c);
        }
        String[] parts = line.toString().split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer: " + line.toString().strip());
        }
        return Integer.parseInt(parts[1]);
    }

    private static SSLContext inspectingContext() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // never asked: this is a client
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // inspected afterwards by the doctor, never used to send anything secret
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }
}
