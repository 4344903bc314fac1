package io.baran.detector.quorum;

import io.baran.events.SigningKey;
import io.baran.events.VantageRoster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keys made for this test run: one per vantage id of {@link #ROSTERED} (the roster the tests' aggregators trust), and
 * a key outside the roster for any other id.
 */
final class TestKeys {

    /** The vantages whose keys are in {@link #roster()}. */
    static final List<String> ROSTERED = List.of("a", "b", "c", "d", "e");

    private static final Map<String, SigningKey> KEYS = new ConcurrentHashMap<>();

    private TestKeys() {}

    /** The key a vantage (or an aggregator, for its outage events) signs with. */
    static SigningKey key(String id) {
        return KEYS.computeIfAbsent(id, k -> SigningKey.generate(k + "-test-key"));
    }

    static VantageRoster roster() {
        List<VantageRoster.Member> members = new ArrayList<>();
        for (String v : ROSTERED) {
            members.add(new VantageRoster.Member(key(v).kid(), v, key(v).publicKey()));
        }
        return VantageRoster.of(members);
    }

    static VerdictVerifier verifier() {
        return new VerdictVerifier(roster(), Duration.ofSeconds(30), 10_000);
    }
}
