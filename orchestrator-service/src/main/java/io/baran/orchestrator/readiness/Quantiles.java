package io.baran.orchestrator.readiness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Quantiles of a sample, by the nearest-rank method (p50 of 1, 2, 3, 4 is 2; p95 of 20 values is the 19th). */
final class Quantiles {

    private Quantiles() {}

    static double of(List<Double> sample, double q) {
        if (sample.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = new ArrayList<>(sample);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }
}
