package io.baran.events;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signatures of the CloudEvents the detector vantages publish (verdicts, simulations, outage events), so that a
 * consumer acts only on what a vantage of its roster wrote.
 *
 * <p><b>Format.</b> The event stays a readable CloudEvent in structured JSON mode; its signature is the last member of
 * the JSON object, the extension attribute {@value #ATTRIBUTE}: a compact JWS with <em>detached</em> payload
 * ({@code <header>..<signature>}, RFC 7515 appendix F), ES256, whose header names the signing key ({@code kid}) and has
 * {@code typ} {@value #TYPE}. The signed payload is the exact UTF-8 bytes of the event as written before the
 * signature was added, that is the signed text minus its final {@code ,"baransig":"…"} member: no canonical form is
 * needed, and any change to any byte of the event (a member, a space, the order) breaks the signature. Consumers that
 * do not check signatures read the event as before (an unknown attribute is ignored).
 */
public final class EventSignature {

    /** The CloudEvent extension attribute that carries the signature (lower-case letters and digits, as CloudEvents requires). */
    public static final String ATTRIBUTE = "baransig";
    /** The JWS {@code typ} of an event signature. */
    public static final String TYPE = "baran-event+jws";

    private static final String MEMBER = ",\"" + ATTRIBUTE + "\":\"";
    private static final Pattern SIGNED =
            Pattern.compile(Pattern.quote(MEMBER) + "([A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]+)\"}\\s*\\z");

    private EventSignature() {}

    /**
     * Signs an event.
     *
     * @param json the event as a JSON object (as {@link EventCodec#encode} writes it), not yet signed
     * @return the same text with the signature added as its last member
     */
    public static String sign(String json, SigningKey key) {
        String event = json.stripTrailing();
        if (!event.startsWith("{") || !event.endsWith("}") || event.length() < 3) {
            throw new IllegalArgumentException("only a non-empty JSON object can be signed");
        }
        if (SIGNED.matcher(event).find()) {
            throw new IllegalArgumentException("the event is signed already");
        }
        try {
            JWSObject jws = new JWSObject(
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .keyID(key.kid())
                            .type(new JOSEObjectType(TYPE))
                            .build(),
                    new Payload(event.getBytes(StandardCharsets.UTF_8)));
            jws.sign(new ECDSASigner(key.privateKey()));
            return event.substring(0, event.length() - 1) + MEMBER + jws.serialize(true) + "\"}";
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with key " + key.kid() + ": " + e.getMessage(), e);
        }
    }

    /** The key id an event claims to be signed with, or null when it carries no readable signature. Nothing is verified. */
    public static String kid(String json) {
        Matcher m = json == null ? null : SIGNED.matcher(json);
        if (m == null || !m.find()) {
            return null;
        }
        try {
            return JWSObject.parse(m.group(1), new Payload(new byte[0]))
                    .getHeader()
                    .getKeyID();
        } catch (ParseException e) {
            return null;
        }
    }

    /**
     * Checks an event's signature against the roster. Only the signature: whether the event's content names the
     * vantage of the key, and whether it was seen before, are the caller's to check with the result.
     *
     * @return the key and vantage that signed it, and the event as it was signed
     * @throws RefusedEventException unsigned, malformed signature, unknown key, or a signature that does not hold
     */
    public static Verified verify(String json, VantageRoster roster) {
        if (json == null) {
            throw new RefusedEventException(RefusedEventException.Reason.UNSIGNED, "no event");
        }
        Matcher m = SIGNED.matcher(json);
        if (!m.find()) {
            if (json.contains("\"" + ATTRIBUTE + "\"")) {
                throw new RefusedEventException(
                        RefusedEventException.Reason.MALFORMED_SIGNATURE,
                        "its " + ATTRIBUTE + " is not a detached compact JWS in the event's last member");
            }
            throw new RefusedEventException(RefusedEventException.Reason.UNSIGNED, "it carries no " + ATTRIBUTE);
        }
        String signed = json.substring(0, m.start()) + "}";
        JWSObject jws;
        try {
            jws = JWSObject.parse(m.group(1), new Payload(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (ParseException e) {
            throw new RefusedEventException(
                    RefusedEventException.Reason.MALFORMED_SIGNATURE,
                    "its " + ATTRIBUTE + " cannot be read: " + e.getMessage());
        }
        JWSHeader header = jws.getHeader();
        String kid = header.getKeyID();
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new RefusedEventException(
                    RefusedEventException.Reason.MALFORMED_SIGNATURE,
                    "signed with " + header.getAlgorithm() + ", only ES256 is accepted",
                    kid);
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new RefusedEventException(
                    RefusedEventException.Reason.MALFORMED_SIGNATURE,
                    "its signature has critical" + " header parameters " + header.getCriticalParams(),
                    kid);
        }
        if (kid == null || kid.isBlank()) {
            throw new RefusedEventException(
                    RefusedEventException.Reason.UNKNOWN_KEY, "its signature names no key (kid)");
        }
        VantageRoster.Member member = roster.member(kid)
                .orElseThrow(() -> new RefusedEventException(
                        RefusedEventException.Reason.UNKNOWN_KEY,
                        "signed with key " + quote(kid) + ", which is not in the roster",
                        kid));
        boolean valid;
        try {
            valid = jws.verify(new ECDSAVerifier(member.key()));
        } catch (JOSEException e) {
            valid = false;
        }
        if (!valid) {
            throw new RefusedEventException(
                    RefusedEventException.Reason.BAD_SIGNATURE,
                    "its signature does not hold for key " + quote(kid) + " of vantage " + member.vantage(),
                    kid);
        }
        return new Verified(member.kid(), member.vantage(), signed);
    }

    /** A key id as it came, shortened and without control characters, for a message. */
    static String quote(String kid) {
        String clean = kid.replaceAll("\\p{Cntrl}", "?");
        return "\"" + (clean.length() > 80 ? clean.substring(0, 80) + "..." : clean) + "\"";
    }

    /**
     * A verified event.
     *
     * @param kid     the key that signed it
     * @param vantage the vantage that key belongs to
     * @param json    the event as signed, without its signature
     */
    public record Verified(String kid, String vantage, String json) {}
}
