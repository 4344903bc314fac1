package io.baran.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The login's listener on 127.0.0.1, on its own: what it takes, what it refuses, and that nobody can stall it. */
class LoopbackRedirectTest {

    private static final String ISSUER = "http://127.0.0.1:1/realms/baran";
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private int get(LoopbackRedirect redirect, String query) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(redirect.uri() + "?" + query))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void aConnectionThatStallsDoesNotHoldUpTheAnswer() throws Exception {
        try (LoopbackRedirect redirect = LoopbackRedirect.listen(0, "s3cret-state", ISSUER, false);
                Socket stalled = new Socket("127.0.0.1", redirect.uri().getPort())) {
            OutputStream out = stalled.getOutputStream();
            out.write('G'); // one byte of a request line, then nothing
            out.flush();

            assertEquals(200, get(redirect, "state=s3cret-state&code=the-code"));
            assertEquals("the-code", redirect.await(Duration.ofSeconds(5)));
        }
    }

    /**
     * Stalled connections up to one fewer than the threads hold up nothing: the answer is taken while they stay open.
     * Past that, more connections make no more threads; once they go, the answer is taken.
     */
    @Test
    void manyStalledConnectionsHoldABoundedNumberOfThreads() throws Exception {
        try (LoopbackRedirect redirect = LoopbackRedirect.listen(0, "s3cret-state", ISSUER, false)) {
            java.util.List<Socket> stalled = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < LoopbackRedirect.THREADS - 1; i++) {
                    Socket s = new Socket("127.0.0.1", redirect.uri().getPort());
                    s.getOutputStream().write('G');
                    s.getOutputStream().flush();
                    stalled.add(s);
                }
                assertEquals(400, get(redirect, "state=another-login&code=x"), "answered with them all open");
                assertEquals(1, redirect.ignored());
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket("127.0.0.1", redirect.uri().getPort());
                    s.getOutputStream().write('G');
                    s.getOutputStream().flush();
                    stalled.add(s);
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (redirect.threadsStarted() < LoopbackRedirect.THREADS && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(500); // time for the rest to be handed to threads, were there more
                assertEquals(
                        LoopbackRedirect.THREADS,
                        redirect.threadsStarted(),
                        "every thread busy with a stalled connection, and not one more");
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }

            assertEquals(200, get(redirect, "state=s3cret-state&code=the-code"));
            assertEquals("the-code", redirect.await(Duration.ofSeconds(5)));
        }
    }

    @Test
    void anIssuerThatAlwaysNamesItselfMustNameItself() throws Exception {
        try (LoopbackRedirect redirect = LoopbackRedirect.listen(0, "s3cret-state", ISSUER, true)) {
            assertEquals(400, get(redirect, "state=guessed&code=x&iss=" + ISSUER));
            assertEquals(1, redirect.ignored(), "another login's answer is ignored, and the wait goes on");

            assertEquals(400, get(redirect, "state=s3cret-state&code=the-code"));

            var refused = assertThrows(LoopbackRedirect.Declined.class, () -> redirect.await(Duration.ofSeconds(5)));
            assertTrue(refused.getMessage().contains("does not name its issuer (iss)"), refused.getMessage());
        }
        try (LoopbackRedirect redirect = LoopbackRedirect.listen(0, "s3cret-state", ISSUER, true)) {
            assertEquals(200, get(redirect, "state=s3cret-state&code=the-code&iss=" + ISSUER));
            assertEquals("the-code", redirect.await(Duration.ofSeconds(5)));
        }
    }
}
