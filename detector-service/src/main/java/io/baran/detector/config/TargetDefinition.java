package io.baran.detector.config;

import io.baran.detector.probe.ProbeUrl;

import java.time.Duration;

/** One target as the detector runs it: its configuration, checked and with the URL split from its credentials. */
public record TargetDefinition(
        String name,
        String scope,
        ProbeUrl url,
        Duration interval,
        Duration timeout,
        int failureThreshold,
        int successThreshold,
        int expectStatus) {
}
