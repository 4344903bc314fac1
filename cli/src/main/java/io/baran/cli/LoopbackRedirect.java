package io.baran.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The redirect URI of a native app's login (RFC 8252, 7.3): a listener on 127.0.0.1 that takes the one authorization
 * response carrying this login's {@code state}. An answer without it (another tab, another program on this machine) is
 * refused and the wait goes on; an answer naming another issuer ({@code iss}, RFC 9207), or none from an issuer that
 * always names itself, ends the login, refused. Each request is read on a thread of its own, so a connection that stalls
 * holds up nobody else's. The pages it serves say what happened in fixed words: nothing from the request is echoed.
 */
final class LoopbackRedirect implements AutoCloseable {

    static final String PATH = "/callback";

    /** The provider answered with an error (the person declined, the client is not allowed, ...). */
    static final class Declined extends Exception {
        Declined(String message) {
            super(message);
        }
    }

    /**
     * Threads reading requests at most: each request is read on one (a stalled connection holds only its own, until
     * {@code sun.net.httpserver.maxReqTime} closes it), and no number of connections makes more. Past this many
     * stalled connections at once (only a process on this machine can open them), the browser's answer waits for a
     * thread: bounded threads are traded for that.
     */
    static final int THREADS = 64;

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService threads;
    private final AtomicInteger threadsStarted;
    private final String state;
    private final String issuer;
    private final boolean requireIss;
    private final CompletableFuture<String> code = new CompletableFuture<>();
    private final AtomicInteger ignored = new AtomicInteger();

    private LoopbackRedirect(
            HttpServer server,
            java.util.concurrent.ExecutorService threads,
            AtomicInteger threadsStarted,
            String state,
            String issuer,
            boolean requireIss) {
        this.server = server;
        this.threads = threads;
        this.threadsStarted = threadsStarted;
        this.state = state;
        this.issuer = issuer;
        this.requireIss = requireIss;
    }

    /** Listens on 127.0.0.1 ({@code port} 0: a free one, as RFC 8252 asks; a fixed one for a provider that needs it). */
    static LoopbackRedirect listen(int port, String state, String issuer, boolean requireIss) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 8);
        AtomicInteger started = new AtomicInteger();
        java.util.concurrent.ExecutorService threads =
                java.util.concurrent.Executors.newFixedThreadPool(THREADS, task -> {
                    Thread thread = new Thread(task, "baran-login-redirect-" + started.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        LoopbackRedirect redirect = new LoopbackRedirect(server, threads, started, state, issuer, requireIss);
        server.createContext("/", redirect::handle);
        server.setExecutor(threads);
        server.start();
        return redirect;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** Threads made so far to read requests: never more than {@link #THREADS}. */
    int threadsStarted() {
        return threadsStarted.get();
    }

    /** Answers that did not carry this login's state, refused so far. */
    int ignored() {
        return ignored.get();
    }

    /** Waits, at most {@code timeout}, for the code. */
    String await(Duration timeout) throws Declined, TimeoutException, InterruptedException {
        try {
            return code.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (Declined) e.getCause();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                page(exchange, 404, "Not found", "This address serves baran login's answer only.");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                page(exchange, 405, "Not allowed", "baran login takes the provider's answer as a GET.");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            if (!sameSecret(state, query.get("state"))) {
                ignored.incrementAndGet();
                page(
                        exchange,
                        400,
                        "Not this login",
                        "This answer does not belong to the login baran is waiting for; it was ignored.");
                return;
            }
            if (code.isDone()) {
                page(exchange, 409, "Already answered", "baran login has its answer already; you may close this tab.");
                return;
            }
            String iss = query.get("iss");
            if (iss == null && requireIss) {
                code.completeExceptionally(new Declined("the answer does not name its issuer (iss), which " + issuer
                        + " says its answers always do: refused (it may come from another provider)"));
                page(exchange, 400, "Refused", "The answer did not name its identity provider. Nothing was kept.");
                return;
            }
            if (iss != null && !iss.equals(issuer) && !iss.equals(issuer + "/")) {
                code.completeExceptionally(new Declined("the answer names the issuer \""
                        + IdentityProvider.printable(iss) + "\", not " + issuer
                        + ": refused (another provider's answer must never log you in here)"));
                page(exchange, 400, "Refused", "The answer came from another identity provider. Nothing was kept.");
                return;
            }
            String error = query.get("error");
            String received = query.get("code");
            if (error != null || received == null || received.isEmpty()) {
                String description = query.getOrDefault("error_description", "");
                code.completeExceptionally(new Declined(issuer + " did not log you in: "
                        + (error == null ? "its answer carries no code" : IdentityProvider.printable(error))
                        + (description.isEmpty() ? "" : " (" + IdentityProvider.printable(description) + ")")));
                page(exchange, 400, "Not logged in", "The identity provider did not log you in. See the terminal.");
                return;
            }
            page(
                    exchange,
                    200,
                    "Logged in",
                    "baran has your login. You may close this tab and return to the terminal.");
            code.complete(received);
        }
    }

    private static boolean sameSecret(String expected, String given) {
        return given != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        java.util.Set<String> repeated = new java.util.HashSet<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (values.putIfAbsent(name, value) != null) {
                repeated.add(name);
            }
        }
        // A parameter given twice is ambiguous: none of its values counts, as if it was not sent.
        values.keySet().removeAll(repeated);
        return values;
    }

    private static void page(HttpExchange exchange, int status, String title, String text) throws IOException {
        byte[] body = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>baran login: " + title
                        + "</title></head><body><h1>" + title + "</h1><p>" + text + "</p></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(1);
        threads.shutdownNow();
    }
}
