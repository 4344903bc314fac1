package io.baran.egress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where a service may connect when a user gave the address: health checks, probes, canaries, webhooks, endpoint
 * overrides. {@link #resolve(String, int)} resolves a name once, checks every address it resolves to, and returns
 * the {@link Destination} to connect to; the caller connects to that address and never looks the name up again,
 * so a name that answers a public address to the check and 169.254.169.254 to the connection gets nowhere.
 *
 * <p>Refused, unless allow-listed: cloud metadata addresses and names, loopback, link-local, private ranges (RFC 1918,
 * CGNAT, unique-local IPv6), unspecified, multicast, broadcast and reserved addresses (an IPv6 address embedding an
 * IPv4 one is judged by that one too). The allow-list ({@code baran.egress.allow}) takes CIDR blocks, single
 * addresses, host names, and {@code *.suffix} for every name under a domain; an allow-listed name is trusted
 * whatever it resolves to.
 *
 * <p>Immutable: {@link #allowing}, {@link #withResolver} return new policies.
 */
public final class EgressPolicy {

    private record Block(AddressRange range, Rule rule) {}

    private static final List<Block> BLOCKS = List.of(
            block("169.254.169.254/32", Rule.METADATA), // AWS, GCP, Azure, OpenStack, DigitalOcean, ...
            block("169.254.170.2/32", Rule.METADATA), // ECS task credentials
            block("169.254.170.23/32", Rule.METADATA), // EKS pod identity
            block("fd00:ec2::254/128", Rule.METADATA), // AWS IMDS over IPv6
            block("fd00:ec2::23/128", Rule.METADATA), // EKS pod identity over IPv6
            block("100.100.100.200/32", Rule.METADATA), // Alibaba Cloud
            block("168.63.129.16/32", Rule.METADATA), // Azure WireServer (a public address)
            block("0.0.0.0/8", Rule.UNSPECIFIED),
            block("::/128", Rule.UNSPECIFIED),
            block("127.0.0.0/8", Rule.LOOPBACK),
            block("::1/128", Rule.LOOPBACK),
            block("169.254.0.0/16", Rule.LINK_LOCAL),
            block("fe80::/10", Rule.LINK_LOCAL),
            block("10.0.0.0/8", Rule.PRIVATE),
            block("172.16.0.0/12", Rule.PRIVATE),
            block("192.168.0.0/16", Rule.PRIVATE),
            block("100.64.0.0/10", Rule.PRIVATE), // carrier-grade NAT, also used inside clouds
            block("fc00::/7", Rule.PRIVATE),
            block("fec0::/10", Rule.PRIVATE), // deprecated site-local
            block("224.0.0.0/4", Rule.MULTICAST),
            block("ff00::/8", Rule.MULTICAST),
            block("255.255.255.255/32", Rule.BROADCAST),
            block("240.0.0.0/4", Rule.BROADCAST));

    /** Names that lead to instance metadata whatever a resolver says. */
    static final Set<String> METADATA_NAMES = Set.of(
            "metadata.google.internal",
            "metadata.goog",
            "metadata",
            "instance-data",
            "instance-data.ec2.internal",
            "metadata.tencentyun.com",
            "metadata.azure.internal");

    // IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) written as literals are read by the JDK as the IPv4 address itself,
    // but a resolver's AAAA answer of that form stays an Inet6Address (the system resolver does not convert it) and
    // is connected to as the IPv4 address: embeddedIpv4 judges it by the address it carries.
    private static final AddressRange COMPATIBLE = AddressRange.parse("::/96");
    private static final AddressRange NAT64 = AddressRange.parse("64:ff9b::/96");
    private static final AddressRange SIX_TO_FOUR = AddressRange.parse("2002::/16");

    private final Set<Rule> refused;
    private final List<AddressRange> allowedRanges;
    private final Set<String> allowedNames;
    private final List<String> allowedSuffixes;
    private final Resolver resolver;

    private EgressPolicy(
            Set<Rule> refused,
            List<AddressRange> allowedRanges,
            Set<String> allowedNames,
            List<String> allowedSuffixes,
            Resolver resolver) {
        this.refused = refused.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(refused));
        this.allowedRanges = List.copyOf(allowedRanges);
        this.allowedNames = Collections.unmodifiableSet(new LinkedHashSet<>(allowedNames));
        this.allowedSuffixes = List.copyOf(allowedSuffixes);
        this.resolver = resolver;
    }

    /** Every rule, nothing allow-listed, the system resolver: what production gets when nothing is configured. */
    public static EgressPolicy defaults() {
        return refusing(EnumSet.allOf(Rule.class));
    }

    /** Only these rules, nothing allow-listed, the system resolver. */
    public static EgressPolicy refusing(Set<Rule> rules) {
        return new EgressPolicy(rules, List.of(), Set.of(), List.of(), Resolver.SYSTEM);
    }

    /**
     * This policy with more allow-listed entries: CIDR blocks ({@code 10.1.0.0/16}), addresses ({@code 127.0.0.1}),
     * host names ({@code moto}) or {@code *.domain}. Blank entries are skipped.
     *
     * @throws IllegalArgumentException naming an entry that is none of these
     */
    public EgressPolicy allowing(Collection<String> entries) {
        List<AddressRange> ranges = new ArrayList<>(allowedRanges);
        Set<String> names = new LinkedHashSet<>(allowedNames);
        List<String> suffixes = new ArrayList<>(allowedSuffixes);
        for (String raw : entries) {
            String entry = raw == null ? "" : raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.indexOf('/') >= 0 || Addresses.literal(entry).isPresent()) {
                ranges.add(AddressRange.parse(entry));
            } else if (entry.startsWith("*.") && isName(entry.substring(2))) {
                suffixes.add(Addresses.normalize(entry.substring(1)));
            } else if (isName(entry)) {
                names.add(Addresses.normalize(entry));
            } else {
                throw new IllegalArgumentException("egress allow-list entry \"" + entry
                        + "\" is not a CIDR block, an address," + " a host name or *.domain");
            }
        }
        return new EgressPolicy(refused, ranges, names, suffixes, resolver);
    }

    /** This policy resolving names with the given resolver. */
    public EgressPolicy withResolver(Resolver resolver) {
        return new EgressPolicy(refused, allowedRanges, allowedNames, allowedSuffixes, resolver);
    }

    public Set<Rule> refusedRules() {
        return refused;
    }

    /**
     * Resolves the host once, checks every address, and returns the first to connect to. A literal address is never
     * looked up.
     *
     * @throws EgressRefusedException naming the first address refused and its rule (no address is returned then,
     *                                even if others would pass: the name is not to be trusted)
     * @throws UnknownHostException   when the name does not resolve
     */
    public Destination resolve(String host, int port) throws UnknownHostException {
        String h = Addresses.normalize(host);
        Optional<Refusal> byName = checkName(host);
        if (byName.isPresent()) {
            throw new EgressRefusedException(byName.get());
        }
        Optional<InetAddress> literal = Addresses.literal(h);
        if (literal.isPresent()) {
            return admit(host, port, List.of(literal.get()));
        }
        InetAddress[] addresses = resolver.resolve(h);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(h + ": no address");
        }
        return admit(host, port, List.of(addresses));
    }

    /**
     * {@link #resolve(String, int)} for an http(s) URL's host and port (80 or 443 when it names none).
     *
     * @throws IllegalArgumentException when the URL has no host
     */
    public Destination resolve(URI url) throws UnknownHostException {
        if (url.getHost() == null) {
            throw new IllegalArgumentException("the URL has no host");
        }
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return resolve(url.getHost(), port);
    }

    /**
     * Checks addresses a caller resolved itself (a non-blocking resolver) and returns the one to connect to.
     *
     * @throws EgressRefusedException naming the first address refused and its rule
     */
    public Destination admit(String host, int port, Collection<InetAddress> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no address of " + host + " to check");
        }
        Optional<Refusal> byName = checkName(host);
        if (byName.isPresent()) {
            throw new EgressRefusedException(byName.get());
        }
        for (InetAddress address : addresses) {
            Optional<Refusal> refusal = check(host, address);
            if (refusal.isPresent()) {
                throw new EgressRefusedException(refusal.get());
            }
        }
        return new Destination(host, port, addresses.iterator().next());
    }

    /**
     * What can be judged without a lookup, as a runbook or target is validated: a refused name ({@code metadata},
     * {@code localhost}) or a literal address in a refused range. Empty for an allowed literal and for any other
     * name, which is checked when it is resolved.
     */
    public Optional<Refusal> checkWithoutLookup(String host) {
        Optional<Refusal> byName = checkName(host);
        if (byName.isPresent()) {
            return byName;
        }
        return Addresses.literal(host).flatMap(address -> check(host, address));
    }

    /** Whether the host is written as an address rather than a name that needs resolving. */
    public static boolean isLiteral(String host) {
        return Addresses.literal(host).isPresent();
    }

    /** The verdict on one address reached through {@code host}: empty when it may be connected to. */
    public Optional<Refusal> check(String host, InetAddress address) {
        InetAddress embedded = embeddedIpv4(address);
        // Cloud metadata is refused whatever the allow-list says: no allowed name resolving to it, and no allowed range
        // that contains it (fd00::/8, 100.64.0.0/10, a NAT64 prefix), admits it, wrapped in IPv6 or not.
        Optional<Refusal> metadata = blocked(host, address, address, Rule.METADATA);
        if (metadata.isEmpty() && embedded != null) {
            metadata = blocked(host, address, embedded, Rule.METADATA);
        }
        if (metadata.isPresent() || nameAllowed(host)) {
            return metadata;
        }
        if (embedded == null) {
            return rangeAllowed(address) ? Optional.empty() : blocked(host, address, address, null);
        }
        // An IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4, ...) is judged as the IPv4 address it
        // reaches: allowing the IPv6 prefix admits no loopback or private IPv4 address behind it.
        if (rangeAllowed(embedded)) {
            return Optional.empty();
        }
        Optional<Refusal> direct = rangeAllowed(address) ? Optional.empty() : blocked(host, address, address, null);
        return direct.isPresent() ? direct : blocked(host, address, embedded, null);
    }

    /** A short description for start-up logs: what is refused and what is allowed. */
    public String describe() {
        List<String> allowed = new ArrayList<>();
        allowedRanges.forEach(r -> allowed.add(r.toString()));
        allowed.addAll(allowedNames);
        allowedSuffixes.forEach(s -> allowed.add("*" + s));
        return "refuses " + String.join(", ", refused.stream().map(Rule::id).toList()) + " addresses; allows "
                + (allowed.isEmpty() ? "nothing more" : String.join(", ", allowed));
    }

    @Override
    public String toString() {
        return "EgressPolicy[" + describe() + "]";
    }

    private Optional<Refusal> checkName(String host) {
        String h = Addresses.normalize(host);
        if (nameAllowed(h) || Addresses.literal(h).isPresent()) {
            return Optional.empty();
        }
        if (refused.contains(Rule.METADATA) && METADATA_NAMES.contains(h)) {
            return Optional.of(new Refusal(host, null, null, Rule.METADATA));
        }
        if (refused.contains(Rule.LOOPBACK)
                && (h.equals("localhost") || h.endsWith(".localhost") || h.equals("localhost.localdomain"))) {
            // RFC 6761: such names are loopback whatever a resolver says.
            return Optional.of(new Refusal(host, null, null, Rule.LOOPBACK));
        }
        return Optional.empty();
    }

    /** The refusal of {@code judged} by a refused rule ({@code only} that one, when not null); empty when none. */
    private Optional<Refusal> blocked(String host, InetAddress address, InetAddress judged, Rule only) {
        for (Block block : BLOCKS) {
            if (refused.contains(block.rule())
                    && (only == null || block.rule() == only)
                    && block.range().contains(judged)) {
                String range = block.range().prefix() == judged.getAddress().length * 8
                        ? Addresses.text(judged)
                        : block.range().toString();
                return Optional.of(new Refusal(host, address, range, block.rule()));
            }
        }
        return Optional.empty();
    }

    private boolean nameAllowed(String host) {
        String h = Addresses.normalize(host);
        return allowedNames.contains(h) || allowedSuffixes.stream().anyMatch(h::endsWith);
    }

    private boolean rangeAllowed(InetAddress address) {
        return allowedRanges.stream().anyMatch(r -> r.contains(address));
    }

    /** The IPv4 address an IPv6 one carries (mapped, translated, compatible, NAT64, 6to4), or null. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        int from;
        if (zeros(b, 0, 10) && ffff(b, 10)) {
            from = 12; // ::ffff:a.b.c.d, mapped (RFC 4291)
        } else if (zeros(b, 0, 8) && ffff(b, 8) && zeros(b, 10, 12)) {
            from = 12; // ::ffff:0:a.b.c.d, translated (RFC 2765)
        } else if (NAT64.contains(address)) {
            from = 12;
        } else if (COMPATIBLE.contains(address)) {
            from = 12;
            if (b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1)) {
                return null; // :: and ::1 themselves
            }
        } else if (SIX_TO_FOUR.contains(address)) {
            from = 2;
        } else {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]});
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean ffff(byte[] b, int at) {
        return b[at] == (byte) 0xff && b[at + 1] == (byte) 0xff;
    }

    private static boolean isName(String text) {
        return text.toLowerCase(Locale.ROOT)
                .matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\\.?");
    }

    private static Block block(String range, Rule rule) {
        return new Block(AddressRange.parse(range), rule);
    }
}
