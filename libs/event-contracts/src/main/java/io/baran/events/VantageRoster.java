package io.baran.events;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The vantage keys whose signatures are accepted: each public key by its key id ({@code kid}), with the vantage it
 * belongs to. A vantage may have several keys at once, so that it can rotate: add the new key, switch the vantage
 * to it, then remove the old one. Immutable.
 */
public final class VantageRoster {

    private final Map<String, Member> byKid;

    private VantageRoster(Map<String, Member> byKid) {
        // One key is one vantage: a key listed under two vantages would let whoever holds it vote as both, so that a
        // quorum of "distinct" vantages could be one.
        Map<String, Member> byKey = new java.util.HashMap<>();
        for (Member m : byKid.values()) {
            String encoded =
                    java.util.Base64.getEncoder().encodeToString(m.key().getEncoded());
            Member other = byKey.putIfAbsent(encoded, m);
            if (other != null && !other.vantage().equals(m.vantage())) {
                throw new IllegalArgumentException("key ids " + other.kid() + " (vantage " + other.vantage() + ") and "
                        + m.kid() + " (vantage " + m.vantage() + ") are the same public key: one key may belong to"
                        + " one vantage only");
            }
        }
        this.byKid = Map.copyOf(byKid);
    }

    /** A roster that accepts nothing. */
    public static VantageRoster empty() {
        return new VantageRoster(Map.of());
    }

    public static VantageRoster of(Collection<Member> members) {
        Map<String, Member> map = new LinkedHashMap<>();
        for (Member m : members) {
            if (map.putIfAbsent(m.kid(), m) != null) {
                throw new IllegalArgumentException("key id " + m.kid() + " is in the roster twice");
            }
        }
        return new VantageRoster(map);
    }

    /**
     * Reads a roster from configuration: key id to vantage and public key text.
     *
     * @throws IllegalArgumentException listing every entry that is wrong, by its key id
     */
    public static VantageRoster parse(Map<String, Entry> entries) {
        List<String> problems = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        new java.util.TreeMap<>(entries).forEach((kid, entry) -> {
            if (entry.vantage() == null || entry.vantage().isBlank()) {
                problems.add(kid + ": no vantage");
                return;
            }
            try {
                members.add(new Member(kid, entry.vantage().strip(), publicKey(entry.publicKey())));
            } catch (IllegalArgumentException e) {
                problems.add(kid + ": " + e.getMessage());
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return of(members);
    }

    /** This roster and one more key; a key id already present keeps its entry. */
    public VantageRoster with(Member member) {
        if (byKid.containsKey(member.kid())) {
            return this;
        }
        Map<String, Member> map = new LinkedHashMap<>(byKid);
        map.put(member.kid(), member);
        return new VantageRoster(map);
    }

    public Optional<Member> member(String kid) {
        return kid == null ? Optional.empty() : Optional.ofNullable(byKid.get(kid));
    }

    public boolean isEmpty() {
        return byKid.isEmpty();
    }

    public int size() {
        return byKid.size();
    }

    /** The vantages with at least one key. */
    public java.util.SortedSet<String> vantages() {
        TreeSet<String> vantages = new TreeSet<>();
        byKid.values().forEach(m -> vantages.add(m.vantage()));
        return vantages;
    }

    /** For the log: every key id and its vantage, never the keys. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(byKid)
                .forEach((kid, m) -> b.append(b.length() == 0 ? "" : ", ")
                        .append(kid)
                        .append(" -> ")
                        .append(m.vantage()));
        return "[" + b + "]";
    }

    /**
     * Reads a public EC P-256 key: a PEM ({@code -----BEGIN PUBLIC KEY-----}), the same DER in plain base64 on one line
     * (as {@code openssl pkey -pubout -outform DER | base64 -w0} writes it), or a public JWK.
     */
    public static ECPublicKey publicKey(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("no public key");
        }
        ECPublicKey key;
        if (trimmed.startsWith("{")) {
            try {
                JWK jwk = JWK.parse(trimmed);
                if (!(jwk instanceof ECKey ec)) {
                    throw new IllegalArgumentException("the JWK is not an EC key");
                }
                if (ec.isPrivate()) {
                    throw new IllegalArgumentException("the JWK holds a private key; a roster takes public keys only");
                }
                key = ec.toECPublicKey();
            } catch (ParseException | JOSEException e) {
                throw new IllegalArgumentException("not a readable JWK: " + e.getMessage());
            }
        } else {
            if (trimmed.contains("PRIVATE KEY")) {
                throw new IllegalArgumentException("a private key; a roster takes public keys only");
            }
            try {
                byte[] der = trimmed.contains("-----BEGIN")
                        ? SigningKey.Pem.body(trimmed)
                        : java.util.Base64.getMimeDecoder().decode(trimmed);
                key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
                throw new IllegalArgumentException("not a readable EC public key (PEM, base64 DER or JWK)");
            }
        }
        if (!Curve.P_256.equals(Curve.forECParameterSpec(key.getParams()))) {
            throw new IllegalArgumentException("not a key on curve P-256");
        }
        return key;
    }

    /** One key of the roster. */
    public record Member(String kid, String vantage, ECPublicKey key) {
        @Override
        public String toString() {
            return "Member[kid=" + kid + ", vantage=" + vantage + "]";
        }
    }

    /** A roster entry as configured: the vantage and the public key's text. */
    public record Entry(String vantage, String publicKey) {}
}
