package io.baran.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Literal addresses and names resolved by a resolver the test controls: no test looks anything up in real DNS. */
class EgressPolicyTest {

    /** Every name a test resolves, in order. */
    private final List<String> lookups = new ArrayList<>();

    /** Answers from the map; a name not in it does not exist. */
    private Resolver dns(Map<String, List<String>> answers) {
        return host -> {
            lookups.add(host);
            List<String> addresses = answers.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[addresses.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Addresses.literal(addresses.get(i)).orElseThrow();
            }
            return out;
        };
    }

    private final Resolver noLookups = host -> {
        throw new AssertionError("looked up " + host);
    };

    private final EgressPolicy policy = EgressPolicy.defaults().withResolver(noLookups);

    @ParameterizedTest
    @CsvSource({
        "169.254.169.254, metadata",
        "[fd00:ec2::254], metadata",
        "169.254.170.2, metadata",
        "168.63.129.16, metadata",
        "100.100.100.200, metadata",
        "2852039166, metadata", // 169.254.169.254 as one decimal number
        "0xa9.0xfe.0xa9.0xfe, metadata",
        "0251.0376.0251.0376, metadata",
        "169.254.169.254., metadata",
        "[::ffff:169.254.169.254], metadata",
        "[64:ff9b::a9fe:a9fe], metadata", // NAT64 of 169.254.169.254
        "127.0.0.1, loopback",
        "127.1, loopback",
        "[::1], loopback",
        "169.254.1.1, link-local",
        "[fe80::1], link-local",
        "10.1.2.3, private",
        "172.16.0.1, private",
        "172.31.255.255, private",
        "192.168.1.1, private",
        "100.64.0.1, private",
        "[fd12:3456::1], private",
        "[2002:0a00:0001::1], private", // 6to4 of 10.0.0.1
        "0.0.0.0, unspecified",
        "[::], unspecified",
        "224.0.0.1, multicast",
        "[ff02::1], multicast",
        "255.255.255.255, broadcast",
    })
    void refusesEveryKindOfInternalAddressWrittenAsALiteral(String host, String rule) {
        EgressRefusedException e = assertThrows(EgressRefusedException.class, () -> policy.resolve(host, 80));
        assertEquals(rule, e.refusal().rule().id(), e.getMessage());
        assertTrue(e.getMessage().contains("rule " + rule), e.getMessage());
        assertEquals(rule, policy.checkWithoutLookup(host).orElseThrow().rule().id());
        assertEquals(List.of(), lookups);
    }

    @ParameterizedTest
    @CsvSource({"93.184.216.34", "172.32.0.1", "100.128.0.1", "8.8.8.8", "[2606:4700::1111]", "192.169.0.1"})
    void letsPublicLiteralsThroughWithoutALookup(String host) throws Exception {
        Destination d = policy.resolve(host, 443);
        assertEquals(Addresses.literal(host).orElseThrow(), d.address());
        assertEquals(Optional.empty(), policy.checkWithoutLookup(host));
    }

    @Test
    void theMessageNamesTheHostTheAddressTheRangeAndTheRule() {
        var p = EgressPolicy.defaults().withResolver(dns(Map.of("db.internal", List.of("10.0.0.5"))));
        String message = assertThrows(EgressRefusedException.class, () -> p.resolve("db.internal", 5432))
                .getMessage();
        assertEquals(
                "db.internal resolves to 10.0.0.5, is a private address (10.0.0.0/8): refused by the egress policy"
                        + " (rule private; allow-list it in baran.egress.allow if this service must call it)",
                message);
        assertEquals(
                "169.254.169.254 is a cloud metadata address: refused by the egress policy (rule metadata)",
                policy.checkWithoutLookup("169.254.169.254").orElseThrow().message());
    }

    @ParameterizedTest
    @CsvSource({"metadata.google.internal", "METADATA.google.internal.", "metadata", "instance-data", "metadata.goog"})
    void refusesMetadataNamesWithoutResolvingThem(String host) {
        var p = EgressPolicy.defaults().withResolver(noLookups);
        assertEquals(
                Rule.METADATA,
                assertThrows(EgressRefusedException.class, () -> p.resolve(host, 80))
                        .refusal()
                        .rule());
        assertEquals(Rule.METADATA, p.checkWithoutLookup(host).orElseThrow().rule());
    }

    @Test
    void refusesLocalhostNamesWithoutResolvingThem() {
        assertEquals(
                Rule.LOOPBACK,
                assertThrows(EgressRefusedException.class, () -> policy.resolve("localhost", 80))
                        .refusal()
                        .rule());
        assertEquals(
                Rule.LOOPBACK,
                policy.checkWithoutLookup("api.localhost").orElseThrow().rule());
    }

    @Test
    void resolvesANameOnceAndReturnsTheAddressToConnectToWithTheNameKept() throws Exception {
        var p = EgressPolicy.defaults()
                .withResolver(dns(Map.of("www.example.com", List.of("93.184.216.34", "93.184.216.35"))));
        Destination d = p.resolve(URI.create("https://www.example.com/healthz"));
        assertEquals(List.of("www.example.com"), lookups);
        assertEquals(InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 34}), d.address());
        assertEquals(443, d.port());
        // The socket address carries the name (for TLS) and is already resolved (no second lookup).
        assertEquals("www.example.com", d.socketAddress().getHostString());
        assertFalse(d.socketAddress().isUnresolved());
        assertEquals(d.address(), d.socketAddress().getAddress());
    }

    @Test
    void refusesANameWhenAnyOfItsAddressesIsRefused() {
        var p = EgressPolicy.defaults()
                .withResolver(dns(Map.of("rebind.example", List.of("93.184.216.34", "169.254.169.254"))));
        EgressRefusedException e = assertThrows(EgressRefusedException.class, () -> p.resolve("rebind.example", 80));
        assertEquals(Rule.METADATA, e.refusal().rule());
        assertEquals("rebind.example", e.refusal().host());
    }

    @Test
    void aNameIsNotJudgedBeforeItIsResolved() {
        var p = EgressPolicy.defaults().withResolver(noLookups);
        assertEquals(Optional.empty(), p.checkWithoutLookup("anything.example.com"));
    }

    @Test
    void anUnknownNameIsAnUnknownHostNotARefusal() {
        var p = EgressPolicy.defaults().withResolver(dns(Map.of()));
        assertThrows(UnknownHostException.class, () -> p.resolve("nowhere.example", 80));
    }

    @Test
    void allowListedBlocksAddressesAndNamesPass() throws Exception {
        var p = EgressPolicy.defaults()
                .allowing(List.of("127.0.0.1", "10.20.0.0/16", "moto", "*.corp.internal", " "))
                .withResolver(dns(Map.of(
                        "moto",
                        List.of("172.18.0.2"),
                        "db.corp.internal",
                        List.of("192.168.3.4"),
                        "other",
                        List.of("172.18.0.3"))));
        assertEquals("127.0.0.1", p.resolve("127.0.0.1", 8080).address().getHostAddress());
        assertEquals("10.20.3.4", p.resolve("10.20.3.4", 80).address().getHostAddress());
        assertEquals("172.18.0.2", p.resolve("moto", 5000).address().getHostAddress());
        assertEquals(
                "192.168.3.4", p.resolve("db.corp.internal", 5432).address().getHostAddress());
        assertEquals(
                Rule.LOOPBACK,
                assertThrows(EgressRefusedException.class, () -> p.resolve("127.0.0.2", 80))
                        .refusal()
                        .rule());
        assertEquals(
                Rule.PRIVATE,
                assertThrows(EgressRefusedException.class, () -> p.resolve("10.21.0.1", 80))
                        .refusal()
                        .rule());
        assertEquals(
                Rule.PRIVATE,
                assertThrows(EgressRefusedException.class, () -> p.resolve("other", 80))
                        .refusal()
                        .rule());
        assertEquals(
                Rule.METADATA,
                assertThrows(EgressRefusedException.class, () -> p.resolve("169.254.169.254", 80))
                        .refusal()
                        .rule());
        assertTrue(p.describe().contains("127.0.0.1/32, 10.20.0.0/16, moto, *.corp.internal"), p.describe());
    }

    @Test
    void noAllowListEntryAdmitsCloudMetadataNorAPrivateAddressBehindAnAllowedNat64Prefix() throws Exception {
        var p = EgressPolicy.defaults()
                .allowing(List.of(
                        "fd00::/8", "64:ff9b::/96", "100.64.0.0/10", "*.corp.internal", "metadata.google.internal"))
                .withResolver(dns(Map.of(
                        "imds.corp.internal", List.of("169.254.169.254"),
                        "metadata.google.internal", List.of("169.254.169.254"),
                        "v6.corp.internal", List.of("fd00:ec2::254"))));
        for (String metadata : List.of(
                "fd00:ec2::254",
                "64:ff9b::a9fe:a9fe",
                "100.100.100.200",
                "imds.corp.internal",
                "metadata.google.internal",
                "v6.corp.internal")) {
            assertEquals(
                    Rule.METADATA,
                    assertThrows(EgressRefusedException.class, () -> p.resolve(metadata, 80), metadata)
                            .refusal()
                            .rule(),
                    metadata);
        }
        // NAT64 of 10.0.0.1 and of 127.0.0.1: judged as the IPv4 address reached, which nothing allows.
        assertEquals(
                Rule.PRIVATE,
                assertThrows(EgressRefusedException.class, () -> p.resolve("64:ff9b::a00:1", 80))
                        .refusal()
                        .rule());
        assertEquals(
                Rule.LOOPBACK,
                assertThrows(EgressRefusedException.class, () -> p.resolve("64:ff9b::7f00:1", 80))
                        .refusal()
                        .rule());
        // What the entries are for still passes: a ULA address, a public IPv4 one through NAT64, shared address space.
        assertEquals(InetAddress.getByName("fd12::5"), p.resolve("fd12::5", 80).address());
        assertEquals(
                InetAddress.getByName("64:ff9b::5db8:d822"),
                p.resolve("64:ff9b::5db8:d822", 443).address());
        assertEquals("100.64.1.2", p.resolve("100.64.1.2", 80).address().getHostAddress());
    }

    @Test
    void refusesAnAllowListEntryItCannotRead() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> EgressPolicy.defaults().allowing(List.of("http://x/")));
        assertTrue(e.getMessage().contains("http://x/"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> EgressPolicy.defaults().allowing(List.of("10.0.0.0/40")));
    }

    @Test
    void aPolicyOfSomeRulesOnlyRefusesThoseRules() throws Exception {
        var p = EgressPolicy.refusing(EnumSet.of(Rule.METADATA, Rule.LINK_LOCAL))
                .withResolver(noLookups);
        assertEquals("10.0.0.1", p.resolve("10.0.0.1", 80).address().getHostAddress());
        assertEquals("127.0.0.1", p.resolve("127.0.0.1", 80).address().getHostAddress());
        assertEquals(
                Rule.METADATA,
                p.checkWithoutLookup("169.254.169.254").orElseThrow().rule());
        assertEquals(
                Rule.LINK_LOCAL, p.checkWithoutLookup("[fe80::2]").orElseThrow().rule());
        assertEquals(
                Rule.METADATA,
                p.checkWithoutLookup("metadata.google.internal").orElseThrow().rule());
        assertEquals(Optional.empty(), p.checkWithoutLookup("localhost"));
    }

    @Test
    void admitsAddressesACallerResolvedItself() throws Exception {
        InetAddress publicAddress =
                InetAddress.getByAddress("www.example.com", new byte[] {93, (byte) 184, (byte) 216, 34});
        assertEquals(
                publicAddress,
                policy.admit("www.example.com", 80, List.of(publicAddress)).address());
        InetAddress metadata = InetAddress.getByAddress(new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254});
        assertThrows(EgressRefusedException.class, () -> policy.admit("evil.example", 80, List.of(metadata)));
    }

    /**
     * A resolver's AAAA answer ::ffff:169.254.169.254 stays an Inet6Address (only literals are read as IPv4), and a
     * socket to it reaches the IPv4 address: it is judged by the address it carries, as is ::ffff:0:a.b.c.d.
     */
    @Test
    void refusesResolvedIpv6AddressesThatCarryARefusedIpv4One() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254}, 0, mapped, 12, 4);
        InetAddress asResolved = Inet6Address.getByAddress("m.attacker.example", mapped, -1);
        assertTrue(asResolved instanceof Inet6Address, "the form a resolver hands back");

        EgressRefusedException refused = assertThrows(
                EgressRefusedException.class, () -> policy.admit("m.attacker.example", 80, List.of(asResolved)));
        assertEquals(Rule.METADATA, refused.refusal().rule());
        Resolver aaaaOnly = host -> new InetAddress[] {Inet6Address.getByAddress(host, mapped, -1)};
        assertThrows(
                EgressRefusedException.class,
                () -> EgressPolicy.defaults().withResolver(aaaaOnly).resolve("m.attacker.example", 80));

        byte[] translated = new byte[16];
        translated[8] = (byte) 0xff;
        translated[9] = (byte) 0xff;
        System.arraycopy(new byte[] {10, 0, 0, 2}, 0, translated, 12, 4);
        assertEquals(
                Rule.PRIVATE,
                policy.check("t.attacker.example", Inet6Address.getByAddress("t.attacker.example", translated, -1))
                        .orElseThrow()
                        .rule());

        byte[] mappedLoopback = mapped.clone();
        System.arraycopy(new byte[] {127, 0, 0, 1}, 0, mappedLoopback, 12, 4);
        InetAddress loopback = Inet6Address.getByAddress("local.test", mappedLoopback, -1);
        assertEquals(
                Rule.LOOPBACK,
                policy.check("local.test", loopback).orElseThrow().rule());
        assertEquals(
                Optional.empty(),
                policy.allowing(List.of("127.0.0.1")).check("local.test", loopback),
                "an allow-listed IPv4 address is allowed in its mapped form too");

        byte[] mappedPublic = mapped.clone();
        System.arraycopy(new byte[] {93, (byte) 184, (byte) 216, 34}, 0, mappedPublic, 12, 4);
        assertEquals(
                Optional.empty(),
                policy.check("www.example.com", Inet6Address.getByAddress("www.example.com", mappedPublic, -1)));
    }
}
