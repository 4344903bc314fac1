package io.baran.detector.probe;

import io.baran.detector.config.ProbeEndpoint;
import io.baran.detector.config.TargetDefinition;
import io.smallrye.mutiny.Uni;
import io.vertx.core.dns.DnsException;
import io.vertx.mutiny.core.dns.DnsClient;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;

/**
 * Asks the target's resolver for one name and type, without blocking (Vert.x's DNS client): the probe passes when
 * the name has answers of that type and, when answers are expected, every expected one is among them. Addresses are
 * compared in their canonical form, names without their trailing dot and case.
 */
final class DnsProbe implements Probe {

    /** An IPv4 or IPv6 literal, so that canonicalising it never resolves anything. */
    static final java.util.regex.Pattern ADDRESS =
            java.util.regex.Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final DnsClient client;
    private final TargetDefinition target;
    private final ProbeEndpoint.Dns endpoint;
    private final List<String> expected;
    private final io.vertx.core.Vertx vertx;

    DnsProbe(DnsClient client, TargetDefinition target, io.vertx.core.Vertx vertx) {
        this.client = client;
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
