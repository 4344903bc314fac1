package io.baran.workflow.temporal;

import io.baran.workflow.AbortRequest;
import io.baran.workflow.Actor;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.FailbackRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a person's decision (the Updates {@code decide}, {@code requestFailback} and {@code abort}) for one execution, so the workflow
 * believes the person it names only when the orchestrator verified them: the orchestrator seals what its REST API
 * verified from the caller's token, and the workflow's Update validators refuse an Update whose seal is missing,
 * altered, made for another execution or older than {@link #VALID_FOR}. A client that reaches Temporal directly holds
 * no seal key and cannot name someone else.
 *
 * <p>The seal is an HMAC-SHA256 over every field of the decision, the execution's workflow id, the Update's name and
 * the time it was sealed, under a key derived from the payload codec's keys (so the services that hold the codec's
 * keys hold it, and rotation follows the codec's: the active key seals, every configured key verifies). Form:
 * {@code v1.<key id>.<sealed at, epoch millis>.<base64url MAC>}.
 */
public final class DecisionSeals {

    /** How long after it was sealed a decision is still taken. */
    public static final Duration VALID_FOR = Duration.ofMinutes(10);

    private static final String LABEL = "baran decision seal v1";
    private static final String VERSION = "v1";

    private final String activeKeyId;
    private final Map<String, byte[]> keys;

    private DecisionSeals(String activeKeyId, Map<String, byte[]> keys) {
        this.activeKeyId = activeKeyId;
        this.keys = Map.copyOf(keys);
    }

    public static DecisionSeals of(AesGcmPayloadCodec codec) {
        return new DecisionSeals(codec.activeKeyId(), codec.derivedKeys(LABEL));
    }

    /** The decision with its seal for this execution, sealed at {@code nowMillis}. */
    public DecisionRequest seal(String workflowId, DecisionRequest decision, long nowMillis) {
        return decision.withSeal(seal(activeKeyId, nowMillis, text(workflowId, decision)));
    }

    /** The failback request with its seal for this execution, sealed at {@code nowMillis}. */
    public FailbackRequest seal(String workflowId, FailbackRequest failback, long nowMillis) {
        return failback.withSeal(seal(activeKeyId, nowMillis, text(workflowId, failback)));
    }

    /** The abort with its seal for this execution, sealed at {@code nowMillis}. */
    public AbortRequest seal(String workflowId, AbortRequest abort, long nowMillis) {
        return abort.withSeal(seal(activeKeyId, nowMillis, text(workflowId, abort)));
    }

    /** @throws SealRefused when the decision's seal does not hold for this execution at {@code nowMillis} */
    public void verify(String workflowId, DecisionRequest decision, long nowMillis) {
        verify(decision == null ? null : decision.seal(), text(workflowId, decision), nowMillis);
    }

    /** @throws SealRefused when the request's seal does not hold for this execution at {@code nowMillis} */
    public void verify(String workflowId, FailbackRequest failback, long nowMillis) {
        verify(failback == null ? null : failback.seal(), text(workflowId, failback), nowMillis);
    }

    /** @throws SealRefused when the abort's seal does not hold for this execution at {@code nowMillis} */
    public void verify(String workflowId, AbortRequest abort, long nowMillis) {
        verify(abort == null ? null : abort.seal(), text(workflowId, abort), nowMillis);
    }

    private void verify(String seal, String text, long nowMillis) {
        if (seal == null || seal.isBlank()) {
            throw new SealRefused("the decision carries no seal of the orchestrator: decide through Baran's API");
        }
        String[] parts = seal.split("\\.", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0])) {
            throw new SealRefused("the decision's seal is not one Baran makes");
        }
        byte[] key = keys.get(parts[1]);
        if (key == null) {
            throw new SealRefused("the decision is sealed with key \"" + parts[1] + "\", which is not configured");
        }
        long sealedAt;
        try {
            sealedAt = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            throw new SealRefused("the decision's seal is not one Baran makes");
        }
        byte[] expected = mac(key, sealedAt, text);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new SealRefused("the decision's seal is not one Baran makes");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new SealRefused(
                    "the decision's seal does not match it: it was altered, or sealed for another execution");
        }
        long age = nowMillis - sealedAt;
        if (age > VALID_FOR.toMillis() || age < -VALID_FOR.toMillis()) {
            throw new SealRefused("the decision was sealed "
                    + Duration.ofMillis(Math.abs(age)).toSeconds() + " s " + (age > 0 ? "ago" : "ahead")
                    + ", more than " + VALID_FOR.toMinutes() + " min: decide again");
        }
    }

    private String seal(String keyId, long sealedAt, String text) {
        return VERSION + "." + keyId + "." + sealedAt + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(keys.get(keyId), sealedAt, text));
    }

    private static byte[] mac(byte[] key, long sealedAt, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal((sealedAt + "\n" + text).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String text(String workflowId, DecisionRequest d) {
        if (d == null) {
            return fields("decide", workflowId);
        }
        String text = fields(
                "decide",
                workflowId,
                d.verdict() == null ? null : d.verdict().name(),
                d.step(),
                d.reason(),
                d.requestId(),
                actor(d.by()));
        // Sealed too, and only when set, so a seal made before the field existed still verifies.
        return d.gateOnly() ? text + fields("gate-only") : text;
    }

    private static String text(String workflowId, FailbackRequest f) {
        if (f == null) {
            return fields("requestFailback", workflowId);
        }
        return fields("requestFailback", workflowId, f.reason(), f.requestId(), actor(f.by()));
    }

    private static String text(String workflowId, AbortRequest a) {
        if (a == null) {
            return fields("abort", workflowId);
        }
        return fields("abort", workflowId, a.reason(), a.requestId(), actor(a.by()));
    }

    private static String actor(Actor by) {
        if (by == null) {
            return null;
        }
        List<String> groups = by.groups() == null ? List.of() : new ArrayList<>(by.groups());
        groups.sort(null);
        List<String> all = new ArrayList<>();
        all.add(by.name());
        all.add(by.eventId());
        all.addAll(groups);
        return fields(all.toArray(String[]::new));
    }

    /** Each field length-prefixed, so no two different decisions read the same ({@code -} for null). */
    private static String fields(String... values) {
        StringBuilder out = new StringBuilder();
        for (String v : values) {
            if (v == null) {
                out.append("-;");
            } else {
                out.append(v.length()).append(':').append(v).append(';');
            }
        }
        return out.toString();
    }

    /** A decision the workflow must not take as the person it names. */
    public static final class SealRefused extends IllegalArgumentException {
        public SealRefused(String message) {
            super(message);
        }
    }
}
