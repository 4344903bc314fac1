package io.baran.egress;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 request to a {@link Destination} the policy admitted, on a connection to that address (never a new
 * lookup of the name), with the URL's host in the Host header, and for https in the TLS server name (SNI) and the
 * certificate check. Reads the status only: health checks and webhooks need nothing more. Redirects are not
 * followed (a redirect would lead to an address nobody checked).
 *
 * <p>Not final, so a test can count the requests an action makes without any connection. The JDK's {@code HttpClient}
 * cannot be told which address to connect to, so the few lines of HTTP it would
 * write are written here.
 */
public class PinnedHttp {

    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADER_LINES = 200;

    private final SSLSocketFactory tls;

    public PinnedHttp() {
        this((SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** @param tls how https connections are made (tests give one trusting their own CA) */
    public PinnedHttp(SSLSocketFactory tls) {
        this.tls = tls;
    }

    /**
     * Sends the request and returns the final status (interim 1xx answers skipped).
     *
     * @param url     what is requested: its path and query, its authority for the Host header
     * @param to      where to connect, from {@link EgressPolicy#resolve(URI)}
     * @param headers extra request headers (Host, Connection and Content-Length are set here)
     * @param body    the request body, or null for none
     * @param timeout for connecting, and again for the rest: the connection is closed at its end (a TLS handshake, a
     *                write or an answer that a server drips out does not hold the caller past it)
     * @throws java.net.SocketTimeoutException when nothing answers within the timeout
     */
    public int send(String method, URI url, Destination to, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException {
        return send(method, url, to, headers, body, timeout, timeout);
    }

    /** As {@link #send(String, URI, Destination, Map, byte[], Duration)}, connecting within {@code connectTimeout}. */
    public int send(
            String method,
            URI url,
            Destination to,
            Map<String, String> headers,
            byte[] body,
            Duration connectTimeout,
            Duration timeout)
            throws IOException {
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Socket plain = new Socket();
        java.util.concurrent.ScheduledFuture<?> cut = null;
        long deadline = 0;
        try {
            plain.connect(
                    to.socketAddress(), (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())));
            deadline = System.nanoTime() + timeout.toNanos();
            // The TLS handshake and the request's writes too: the connection is closed at the deadline, whatever waits.
            cut = DEADLINES.schedule(
                    () -> closeQuietly(plain), timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            plain.setSoTimeout(millis);
            Socket socket = https ? tls(plain, to) : plain;
            try (socket) {
                OutputStream out = socket.getOutputStream();
                out.write(request(method, url, headers, body));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
                return status(new BufferedInputStream(socket.getInputStream()));
            }
        } catch (IOException e) {
            if (cut != null && System.nanoTime() - deadline >= 0 && !(e instanceof java.net.SocketTimeoutException)) {
                // Closed at the deadline under a read, a write or the handshake.
                throw new java.net.SocketTimeoutException("no complete answer within " + timeout.toMillis() + " ms");
            }
            throw e;
        } finally {
            if (cut != null) {
                cut.cancel(false);
            }
            plain.close();
        }
    }

    /** Closes connections at their deadline (one daemon thread for every request). */
    private static final java.util.concurrent.ScheduledExecutorService DEADLINES =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "pinned-http-deadlines");
                thread.setDaemon(true);
                return thread;
            });

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed at the deadline: what fails is the request, reported by its own thread
        }
    }

    private Socket tls(Socket plain, Destination to) throws IOException {
        String name = Addresses.normalize(to.host());
        SSLSocket socket = (SSLSocket) tls.createSocket(plain, name, to.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        // The certificate must name the host of the URL, not the address connected to.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static byte[] request(String method, URI url, Map<String, String> headers, byte[] body) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        String authority = url.getRawAuthority();
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Host", authority);
        headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase("host")
                    && !k.equalsIgnoreCase("content-length")
                    && !k.equalsIgnoreCase("connection")) {
                all.put(k, v);
            }
        });
        if (body != null) {
            all.put("Content-Length", Integer.toString(body.length));
        }
        all.put("Connection", "close");
        StringBuilder text = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        all.forEach((k, v) -> {
            if (k.indexOf('\r') >= 0 || k.indexOf('\n') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header " + k + " holds a line break");
            }
            text.append(k).append(": ").append(v).append("\r\n");
        });
        return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Interim (1xx) answers taken before the final one; more is a server stalling. */
    private static final int MAX_INTERIM = 10;

    private static int status(InputStream in) throws IOException {
        for (int interim = 0; ; interim++) {
            if (interim > MAX_INTERIM) {
                throw new IOException("more than " + MAX_INTERIM + " interim (1xx) answers");
            }
            String statusLine = line(in);
            if (statusLine == null) {
                throw new IOException("the connection closed before an answer");
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x answer");
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP status: " + parts[1]);
            }
            for (int n = 0; ; n++) {
                String header = line(in);
                if (header == null || header.isEmpty()) {
                    break;
                }
                if (n > MAX_HEADER_LINES) {
                    throw new IOException("more than " + MAX_HEADER_LINES + " header lines");
                }
            }
            if (status >= 200 || status == 101) {
                return status;
            }
            // 100 Continue, 103 Early Hints: the final answer follows.
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("an answer line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
