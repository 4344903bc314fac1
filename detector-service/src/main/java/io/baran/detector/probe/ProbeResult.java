package io.baran.detector.probe;

import java.time.Instant;

/**
 * What one probe saw.
 *
 * @param detail short and free of credentials, e.g. {@code HTTP 200} or {@code HTTP 503, expected 200}
 */
public record ProbeResult(boolean passed, String detail, Instant at) {

    public static ProbeResult passed(String detail) {
        return new ProbeResult(true, detail, Instant.now());
    }

    public static ProbeResult failed(String detail) {
        return new ProbeResult(false, detail, Instant.now());
    }
}
