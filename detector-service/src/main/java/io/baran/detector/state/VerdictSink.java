package io.baran.detector.state;

import io.baran.detector.quorum.VantageVerdict;

/** Where a vantage's verdicts go when they change: to Kafka in the service, to a list in tests. */
@FunctionalInterface
public interface VerdictSink {
    void changed(VantageVerdict verdict);
}
