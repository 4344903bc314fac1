package io.baran.worker.temporal;

import io.restassured.RestAssured;
import java.net.URL;
import java.time.Duration;

/**
 * Waits, bounded, for the app under test to report ready on {@code ready}: its /q/health/ready on the management
 * interface, as a test has it injected ({@code @TestHTTPResource(value = "health/ready", management = true)}).
 */
final class Readiness {

    private Readiness() {}

    static void await(URL ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            var response = RestAssured.get(ready);
            if (response.statusCode() == 200) {
                return;
            }
            last = response.body().asString();
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("not ready within " + timeout.toSeconds() + " s; last answer: " + last);
    }
}
