package io.baran.worker.provider.selfmanaged;

import io.baran.worker.Failures;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DnsProvider;
import io.baran.worker.provider.DnsZone;
import io.baran.worker.provider.RecordState;
import io.baran.worker.provider.RecordType;
import io.baran.workflow.FailureTypes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * DNS on a name server of one's own (BIND, Knot, PowerDNS) by RFC 2136 dynamic update, signed with a
 * TSIG key. Reads ask the primary server itself (signed, over TCP), so they see what it serves now. Each
 * update is conditional (RFC 2136 prerequisites): it applies only if the record set still holds exactly
 * the values the plan observed, or is still absent, so a record changed by hand is never overwritten.
 */
public final class Rfc2136Dns implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(Rfc2136Dns.class);

    private final String name;
    private final InetSocketAddress server;
    private final String keyName;
    private final SimpleResolver resolver;
    private final ControlPlane controlPlane;

    public Rfc2136Dns(
            String name,
            InetSocketAddress server,
            TSIG key,
            String keyName,
            Duration timeout,
            ControlPlane controlPlane) {
        this.name = name;
        this.server = server;
        this.keyName = keyName;
        this.controlPlane = controlPlane;
        this.resolver = new SimpleResolver(server);
        resolver.setTCP(true);
        resolver.setTimeout(timeout);
        resolver.setTSIGKey(key);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ControlPlane controlPlane() {
        return controlPlane;
    }

    @Override
    public DnsZone zone(String fqdn) {
        Name zone = name(fqdn);
        Message response = send(
                Message.newQuery(org.xbill.DNS.Record.newRecord(zone, Type.SOA, DClass.IN)),
                "SOA query",
                "zone " + fqdn,
                false);
        boolean apex = response.getSection(Section.ANSWER).stream()
                .anyMatch(r -> r.getType() == Type.SOA && r.getName().equals(zone));
        if (!response.getHeader().getFlag(Flags.AA) || !apex) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    "provider " + name + " (RFC 2136 server " + address() + ") does not serve zone " + fqdn
                            + " (no authoritative SOA for it)");
        }
        return new DnsZone(fqdn, fqdn);
    }

    @Override
    public RecordState observe(DnsZone zone, String fqdn, RecordType type) {
        Name owner = name(fqdn);
        int rrType = Type.value(type.name());
        String what = fqdn + " " + type + " in zone " + zone.name();
        Message response;
        try {
            response = resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(owner, rrType, DClass.IN)));
        } catch (IOException e) {
            throw Rfc2136Failures.unreachable(e, where("query", what));
        }
        if (response.getRcode() == Rcode.NXDOMAIN) {
            requireSigned(response, "query", what);
            return RecordState.absent();
        }
        if (response.getRcode() != Rcode.NOERROR) {
            throw Rfc2136Failures.answered(response, where("query", what), keyName, false);
        }
        requireSigned(response, "query", what);
        if (!response.getHeader().getFlag(Flags.AA)) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    where("query", what) + " got a non-authoritative answer: " + "the server does not serve zone "
                            + zone.name());
        }
        // A CNAME at the name answers queries for other types too; only the asked type counts.
        List<org.xbill.DNS.Record> rrset = response.getSection(Section.ANSWER).stream()
                .filter(r -> r.getName().equals(owner) && r.getType() == rrType)
                .toList();
        if (rrset.isEmpty() || !heldByTheZone(zone, owner, rrType, what)) {
            return RecordState.absent();
        }
        return RecordState.present(
                rrset.stream().map(org.xbill.DNS.Record::rdataToString).toList(),
                rrset.get(0).getTTL());
    }

    /**
     * Whether the zone holds the set an answer showed: a wildcard ({@code *.zone}) answers for names the zone does not
     * hold, with records that look like the name's own, and a query cannot tell them apart in a zone without DNSSEC.
     * Asked as an update with one prerequisite ("RRset exists", RFC 2136 section 2.4.1) and nothing to change, which
     * the server checks against the names it holds, never a wildcard (section 3.2): NOERROR if it holds the set,
     * NXRRSET if the answer came from a wildcard.
     */
    private boolean heldByTheZone(DnsZone zone, Name owner, int rrType, String what) {
        Update check = new Update(name(zone.name()));
        check.present(owner, rrType);
        Message response;
        try {
            response = resolver.send(check);
        } catch (IOException e) {
            throw Rfc2136Failures.unreachable(e, where("check", what));
        }
        if (response.getRcode() == Rcode.NXRRSET) {
            requireSigned(response, "check", what);
            return false;
        }
        if (response.getRcode() != Rcode.NOERROR) {
            throw Rfc2136Failures.answered(response, where("check", what), keyName, false);
        }
        requireSigned(response, "check", what);
        return true;
    }

    @Override
    public void replace(DnsZone zone, String fqdn, RecordType type, RecordState expected, RecordState desired) {
        Name owner = name(fqdn);
        int rrType = Type.value(type.name());
        String what = fqdn + " " + type + " in zone " + zone.name();
        Update update = new Update(name(zone.name()));
        // Prerequisites (RFC 2136 section 2.4): the set holds exactly the expected values, or does not exist.
        if (expected.exists()) {
            for (String value : expected.values()) {
                update.present(record(owner, rrType, 0, value, what));
            }
        } else {
            update.absent(owner, rrType);
        }
        update.delete(owner, rrType);
        if (desired.exists()) {
            for (String value : desired.values()) {
                update.add(record(owner, rrType, desired.ttl(), value, what));
            }
        }
        send(update, "update", what, true);
        LOG.infof(
                "provider %s: updated %s on %s: %s -> %s",
                name, what, address(), expected.describe(), desired.describe());
        RecordState served = observe(zone, fqdn, type);
        if (!served.sameAs(desired, type)) {
            throw Failures.of(
                    FailureTypes.PROVIDER_UNAVAILABLE,
                    where("update", what) + " was accepted, but the server serves " + served.describe() + " instead of "
                            + desired.describe());
        }
    }

    private Message send(Message message, String operation, String what, boolean update) {
        Message response;
        try {
            response = resolver.send(message);
        } catch (IOException e) {
            throw Rfc2136Failures.unreachable(e, where(operation, what));
        }
        if (response.getRcode() != Rcode.NOERROR) {
            throw Rfc2136Failures.answered(response, where(operation, what), keyName, update);
        }
        requireSigned(response, operation, what);
        return response;
    }

    /**
     * A successful answer is taken only when it carries the server's TSIG signature, verified with the key: the
     * resolver checks a signature it finds but takes an answer without one, so a forged "done" or a forged read (from
     * anyone on the path) would be taken for the server's. An error answer is taken as it is: it changes nothing.
     */
    private void requireSigned(Message response, String operation, String what) {
        if (!response.isVerified()) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    where(operation, what) + " got an answer "
                            + (response.getTSIG() != null
                                    ? "whose TSIG signature does not verify"
                                    : "without a TSIG signature")
                            + " with key " + keyName + ": not taken (a server answering for another, or a forged"
                            + " answer)");
        }
    }

    private org.xbill.DNS.Record record(Name owner, int rrType, long ttl, String value, String what) {
        try {
            return org.xbill.DNS.Record.fromString(owner, rrType, DClass.IN, ttl, value, Name.root);
        } catch (IOException e) {
            throw Failures.of(
                    FailureTypes.INVALID_INPUT, what + ": \"" + value + "\" is not a valid value: " + e.getMessage());
        }
    }

    private static Name name(String fqdn) {
        try {
            return Name.fromString(fqdn.endsWith(".") ? fqdn : fqdn + ".");
        } catch (TextParseException e) {
            throw Failures.of(FailureTypes.INVALID_INPUT, "\"" + fqdn + "\" is not a DNS name: " + e.getMessage());
        }
    }

    private String where(String operation, String what) {
        return "provider " + name + " (RFC 2136 server " + address() + "): " + operation + " of " + what;
    }

    private String address() {
        return server.getHostString() + ":" + server.getPort();
    }
}
