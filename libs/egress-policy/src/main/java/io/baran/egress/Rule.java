package io.baran.egress;

import java.util.Locale;

/** Why an address is refused; each rule names a kind of address a user-given URL must not reach. */
public enum Rule {
    /** Cloud instance metadata (169.254.169.254, fd00:ec2::254, metadata.google.internal, ...): credentials live there. */
    METADATA("a cloud metadata address"),
    /** 0.0.0.0/8, ::: "this host" on most systems. */
    UNSPECIFIED("an unspecified address"),
    /** 127.0.0.0/8, ::1, localhost: the service itself and whatever listens beside it. */
    LOOPBACK("a loopback address"),
    /** 169.254.0.0/16, fe80::/10: the local link, where metadata and other host services answer. */
    LINK_LOCAL("a link-local address"),
    /** 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7, fec0::/10: the internal network. */
    PRIVATE("a private address"),
    /** 224.0.0.0/4, ff00::/8. */
    MULTICAST("a multicast address"),
    /** 255.255.255.255 and the reserved 240.0.0.0/4. */
    BROADCAST("a broadcast or reserved address");

    private final String description;

    Rule(String description) {
        this.description = description;
    }

    /** What kind of address the rule refuses, as a sentence fragment: "a link-local address". */
    public String description() {
        return description;
    }

    /** The rule as configuration and messages spell it: {@code link-local}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
