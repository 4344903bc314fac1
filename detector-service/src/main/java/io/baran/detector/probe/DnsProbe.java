package io.baran.detector.probe;

import io.baran.detector.config.ProbeEndpoint;
import io.baran.detector.config.TargetDefinition;
import io.baran.egress.EgressPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.dns.DnsException;
import io.vertx.mutiny.core.dns.DnsClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Asks the target's resolver for one name and type, without blocking (Vert.x's DNS client): the probe passes when
 * the name has answers of that type and, when answers are expected, every expected one is among them. Addresses are
 * compared in their canonical form, names without their trailing dot and case. The resolver's host is resolved at
 * every query and the egress policy admits the address before anything is sent to it; a refused one fails the probe
 * naming the rule.
 */
final class DnsProbe implements Probe {

    /** An IPv4 or IPv6 literal, so that canonicalising it never resolves anything. */
    static final java.util.regex.Pattern ADDRESS =
            java.util.regex.Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final Function<InetSocketAddress, DnsClient> clients;
    private final EgressPolicy egress;
    private final TargetDefinition target;
    private final ProbeEndpoint.Dns endpoint;
    private final List<String> expected;
    private final io.vertx.core.Vertx vertx;

    /**
     * @param clients a DNS client for a resolver's admitted address
     * @param egress  where the resolver may be
     */
    DnsProbe(
            Function<InetSocketAddress, DnsClient> clients,
            TargetDefinition target,
            io.vertx.core.Vertx vertx,
            EgressPolicy egress) {
        this.clients = clients;
        this.egress = egress;
        this.vertx = vertx;
        this.target = target;
        this.endpoint = (ProbeEndpoint.Dns) target.endpoint();
        this.expected = target.checks().expect().stream().map(this::canonical).toList();
    }

    @Override
    public TargetDefinition target() {
        return target;
    }

    @Override
    public Uni<ProbeResult> run() {
        return Deadline.within(vertx, target.timeout(), this::query)
                .map(this::judge)
                .onFailure()
                .recoverWithItem(this::describe);
    }

    private Uni<List<String>> query() {
        return resolver().chain(this::ask);
    }

    /** The resolver's address, resolved without blocking and admitted by the egress policy. */
    private Uni<InetSocketAddress> resolver() {
        return AdmittedAddress.of(vertx, egress, endpoint.host(), endpoint.port());
    }

    private Uni<List<String>> ask(InetSocketAddress resolver) {
        DnsClient client = clients.apply(resolver);
        String name = endpoint.name();
        return switch (endpoint.type()) {
            case "A" -> client.resolveA(name);
            case "AAAA" -> client.resolveAAAA(name);
            case "CNAME" -> client.resolveCNAME(name);
            case "TXT" -> client.resolveTXT(name);
            default -> Uni.createFrom().failure(new IllegalStateException("unsupported type " + endpoint.type()));
        };
    }

    private ProbeResult judge(List<String> answers) {
        String type = endpoint.type();
        if (answers == null || answers.isEmpty()) {
            return ProbeResult.failed("no " + type + " record for " + endpoint.name());
        }
        List<String> seen = answers.stream().map(this::canonical).toList();
        List<String> missing = new ArrayList<>();
        for (String e : expected) {
            if (!seen.contains(e)) {
                missing.add(e);
            }
        }
        String shown = String.join(",", new TreeSet<>(seen));
        if (!missing.isEmpty()) {
            return ProbeResult.failed(
                    type + " " + endpoint.name() + " = " + shown + ", expected " + String.join(",", missing));
        }
        return ProbeResult.passed(type + " " + endpoint.name() + " = " + shown);
    }

    private ProbeResult describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return ProbeResult.failed("no answer from resolver " + endpoint.host() + ":" + endpoint.port() + " within "
                    + target.timeout().toMillis() + "ms");
        }
        if (failure instanceof DnsException dns) {
            return ProbeResult.failed(
                    endpoint.type() + " " + endpoint.name() + ": " + dns.code().name());
        }
        return Probe.describe(failure);
    }

    private String canonical(String value) {
        String v = value.strip();
        switch (endpoint.type()) {
            case "A", "AAAA" -> {
                if (!ADDRESS.matcher(v).matches()) {
                    return v;
                }
                try {
                    // A literal: getByName parses it without a lookup.
                    return InetAddress.getByName(v).getHostAddress();
                } catch (UnknownHostException e) {
                    return v;
                }
            }
            case "CNAME" -> {
                String lower = v.toLowerCase(Locale.ROOT);
                return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
            }
            default -> {
                return v;
            }
        }
    }
}
