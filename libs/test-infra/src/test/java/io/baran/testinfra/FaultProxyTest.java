package io.baran.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final AtomicInteger received = new AtomicInteger();
    private HttpServer target;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/", exchange -> {
            received.incrementAndGet();
            byte[] in = exchange.getRequestBody().readAllBytes();
            byte[] out = ("got " + new String(in, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        target.start();
        proxy = FaultProxy.start("http://127.0.0.1:" + target.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        proxy.close();
        target.stop(0);
    }

    @Test
    void withoutFaultsItForwardsAndKeepsWhatTheTargetReceived() throws Exception {
        HttpResponse<String> answer = post("<Change>one</Change>");

        assertEquals(200, answer.statusCode());
        assertEquals("got <Change>one</Change>", answer.body());
        assertEquals(1, received.get());
        List<FaultProxy.Forwarded> forwarded = proxy.forwarded();
        assertEquals(1, forwarded.size());
        assertEquals("POST", forwarded.get(0).method());
        assertEquals("/2013-04-01/hostedzone/Z1/rrset/", forwarded.get(0).path());
        assertEquals("<Change>one</Change>", forwarded.get(0).body());
        assertEquals(200, forwarded.get(0).status());
    }

    @Test
    void errorsAreAnsweredInRoute53sShapeAndNeverReachTheTarget() throws Exception {
        Map<FaultProxy.Fault, String> answers = Map.of(
                FaultProxy.Fault.THROTTLING_429, "429 Throttling",
                FaultProxy.Fault.PRIOR_REQUEST_NOT_COMPLETE, "400 PriorRequestNotComplete",
                FaultProxy.Fault.INTERNAL_ERROR_500, "500 InternalFailure",
                FaultProxy.Fault.UNAVAILABLE_503, "503 ServiceUnavailable");
        for (var expected : answers.entrySet()) {
            proxy.inject(1, List.of(expected.getKey()), new Random(1));

            HttpResponse<String> answer = post("x");

            Matcher code = Pattern.compile("<Code>(\\w+)</Code>").matcher(answer.body());
            assertTrue(code.find(), answer.body());
            assertEquals(expected.getValue(), answer.statusCode() + " " + code.group(1));
            assertEquals(1, proxy.injected().get(expected.getKey()));
        }
        assertEquals(0, received.get());
    }

    @Test
    void aResetBeforeForwardingLosesTheRequest() {
        proxy.inject(1, List.of(FaultProxy.Fault.RESET), new Random(1));

        assertThrows(IOException.class, () -> post("x"));
        assertEquals(0, received.get());
        assertEquals(List.of(), proxy.forwarded());
    }

    @Test
    void aResetAfterForwardingLosesOnlyTheAnswer() {
        proxy.inject(1, List.of(FaultProxy.Fault.RESET_AFTER_FORWARD), new Random(1));

        assertThrows(IOException.class, () -> post("x"));
        assertEquals(1, received.get());
        assertEquals(1, proxy.forwarded().size());
    }

    @Test
    void healedItForwardsEverythingAgain() throws Exception {
        proxy.inject(1, List.of(FaultProxy.Fault.UNAVAILABLE_503), new Random(1));
        assertEquals(503, post("x").statusCode());

        proxy.heal();

        assertEquals(200, post("y").statusCode());
        assertEquals(1, received.get());
    }

    private HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(proxy.endpoint() + "/2013-04-01/hostedzone/Z1/rrset/"))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
