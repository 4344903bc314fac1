package io.baran.testinfra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP proxy in front of a provider's API (moto, for the tests) that breaks some of the requests it is given, as a
 * provider and the network do on a bad day: answers of throttling and server errors in the shapes Route 53 uses, a
 * connection reset before the request reaches the provider, a reset after the provider made the change (the answer
 * lost), and slow answers. What breaks is drawn from a {@link Random} the test seeds, with a probability the test
 * sets ({@link #inject}) and clears ({@link #heal}). It keeps what it forwarded, so a test checks what the provider
 * was asked, not what the client believes.
 *
 * <p>One request per connection: the proxy answers with {@code Connection: close}. Bodies must come with a
 * {@code Content-Length} (the AWS SDKs send one).
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does to a request it breaks. */
    public enum Fault {
        /** HTTP 429 with Route 53's {@code Throttling} error. */
        THROTTLING_429,
        /** HTTP 400 {@code PriorRequestNotComplete}, Route 53's answer while a change to the zone is in progress. */
        PRIOR_REQUEST_NOT_COMPLETE,
        /** HTTP 500 {@code InternalFailure}. */
        INTERNAL_ERROR_500,
        /** HTTP 503 {@code ServiceUnavailable}. */
        UNAVAILABLE_503,
        /** The connection reset (TCP RST) before the request is forwarded. */
        RESET,
        /** The request forwarded and carried out, then the connection reset instead of the answer. */
        RESET_AFTER_FORWARD,
        /** The request forwarded after a delay of 1 to 4 s. */
        SLOW
    }

    /** A request the provider received, and the status it answered. */
    public record Forwarded(String method, String path, String body, int status, long at) {}

    private final ServerSocket server;
    private final URI target;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private final List<Forwarded> forwarded = new ArrayList<>();
    private Random random = new Random(0);
    private double probability;
    private List<Fault> faults = List.of();

    private FaultProxy(ServerSocket server, URI target) {
        this.server = server;
        this.target = target;
    }

    /** A proxy on a free port of 127.0.0.1 in front of {@code target} (e.g. {@code http://127.0.0.1:5000}). */
    public static FaultProxy start(String target) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            FaultProxy proxy = new FaultProxy(server, URI.create(target));
            Thread acceptor = new Thread(proxy::accept, "fault-proxy-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the fault proxy's port on 127.0.0.1", e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** From now on, each request is broken with this probability, by one of {@code faults} drawn from {@code random}. */
    public synchronized void inject(double probability, List<Fault> faults, Random random) {
        if (faults.isEmpty() || probability < 0 || probability > 1) {
            throw new IllegalArgumentException("a probability in [0, 1] and at least one fault");
        }
        this.probability = probability;
        this.faults = List.copyOf(faults);
        this.random = random;
    }

    /** From now on, every request is forwarded as it is. */
    public synchronized void heal() {
        probability = 0;
        faults = List.of();
    }

    /** How many requests were broken, by fault, since the proxy started. */
    public synchronized Map<Fault, Integer> injected() {
        return new EnumMap<>(injected);
    }

    /** Every request the provider received and answered, in order. */
    public synchronized List<Forwarded> forwarded() {
        return List.copyOf(forwarded);
    }

    private synchronized Fault draw() {
        if (faults.isEmpty() || random.nextDouble() >= probability) {
            return null;
        }
        Fault fault = faults.get(random.nextInt(faults.size()));
        injected.merge(fault, 1, Integer::sum);
        return fault;
    }

    private synchronized long slowness() {
        return 1000 + random.nextInt(3000);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.execute(() -> serve(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("fault proxy: " + e);
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(120_000);
            Request request = Request.read(client.getInputStream());
            if (request == null) {
                return;
            }
            Fault fault = draw();
            if (fault == null) {
                forward(request, client.getOutputStream());
                return;
            }
            switch (fault) {
                case THROTTLING_429 -> answer(client, 429, "Too Many Requests", "Throttling", "Rate exceeded");
                case PRIOR_REQUEST_NOT_COMPLETE ->
                    answer(
                            client,
                            400,
                            "Bad Request",
                            "PriorRequestNotComplete",
                            "The request was rejected because Route 53 was still processing a prior request.");
                case INTERNAL_ERROR_500 ->
                    answer(client, 500, "Internal Server Error", "InternalFailure", "An internal error occurred.");
                case UNAVAILABLE_503 ->
                    answer(client, 503, "Service Unavailable", "ServiceUnavailable", "Service is unavailable.");
                case RESET -> reset(client);
                case RESET_AFTER_FORWARD -> {
                    forward(request, OutputStream.nullOutputStream());
                    reset(client);
                }
                case SLOW -> {
                    Thread.sleep(slowness());
                    forward(request, client.getOutputStream());
                }
            }
        } catch (IOException e) {
            // the client went away, or the target did not answer: the client sees a broken connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reset(Socket client) throws IOException {
        client.setSoLinger(true, 0);
        client.close();
    }

    private static void answer(Socket client, int status, String reason, String code, String message)
            throws IOException {
        String requestId = UUID.randomUUID().toString();
        byte[] body =
                ("<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                                + "<Error><Type>" + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + code
                                + "</Code><Message>" + message + "</Message></Error><RequestId>" + requestId
                                + "</RequestId></ErrorResponse>")
                        .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/xml\r\nContent-Length: "
                + body.length + "\r\nx-amzn-RequestId: " + requestId + "\r\nConnection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** Sends the request to the target on a connection of its own, and its whole answer to {@code out}. */
    private void forward(Request request, OutputStream out) throws IOException {
        try (Socket upstream = new Socket()) {
            upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()), 5_000);
            upstream.setSoTimeout(120_000);
            OutputStream up = upstream.getOutputStream();
            up.write(request.head());
            up.write(request.body);
            up.flush();
            byte[] answer = upstream.getInputStream().readAllBytes();
            int status = status(answer);
            synchronized (this) {
                forwarded.add(new Forwarded(
                        request.method,
                        request.path,
                        new String(request.body, StandardCharsets.UTF_8),
                        status,
                        System.currentTimeMillis()));
            }
            out.write(answer);
            out.flush();
        }
    }

    private static int status(byte[] answer) {
        String line = new String(answer, 0, Math.min(answer.length, 64), StandardCharsets.US_ASCII);
        String[] parts = line.split(" ", 3);
        try {
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        connections.shutdownNow();
        try {
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An HTTP/1.1 request as read off the wire: its head's lines and its body. */
    private record Request(String method, String path, List<String> lines, byte[] body) {

        /** The request, or null when the client closed the connection before sending one. */
        static Request read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                if (head.size() > 64 * 1024) {
                    throw new IOException("a request head longer than 64 KiB");
                }
            }
            List<String> lines = new ArrayList<>(
                    List.of(head.toString(StandardCharsets.ISO_8859_1).split("\r\n")));
            String[] requestLine = lines.get(0).split(" ");
            int length = 0;
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(
                            line.substring(line.indexOf(':') + 1).trim());
                } else if (lower.startsWith("transfer-encoding:")) {
                    throw new IOException("chunked request bodies are not supported");
                }
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                return null;
            }
            return new Request(requestLine[0], requestLine.length > 1 ? requestLine[1] : "/", lines, body);
        }

        /** The head again, with {@code Connection: close} in place of any Connection header. */
        byte[] head() {
            StringBuilder out = new StringBuilder();
            for (String line : lines) {
                if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                    out.append(line).append("\r\n");
                }
            }
            out.append("Connection: close\r\n");
            return out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
