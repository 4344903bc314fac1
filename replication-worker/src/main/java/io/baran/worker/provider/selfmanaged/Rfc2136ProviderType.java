package io.baran.worker.provider.selfmanaged;

import static io.baran.worker.provider.Capability.CDN_CACHE_POLICY;
import static io.baran.worker.provider.Capability.CDN_SERVE_STALE;
import static io.baran.worker.provider.Capability.CDN_TTL;
import static io.baran.worker.provider.Capability.DATABASE_DEMOTE;
import static io.baran.worker.provider.Capability.DATABASE_FENCE;
import static io.baran.worker.provider.Capability.DATABASE_PROMOTE;
import static io.baran.worker.provider.Capability.DATABASE_SWITCHOVER;
import static io.baran.worker.provider.Capability.DNS_RECORDS;
import static io.baran.worker.provider.Capability.DNS_ROUTING_POLICIES;
import static io.baran.worker.provider.Capability.OBJECT_STORE;

import io.baran.worker.provider.Capabilities;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.ProviderType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import org.jboss.logging.Logger;
import org.xbill.DNS.TSIG;

/**
 * {@code type=rfc2136}: a primary name server that takes RFC 2136 dynamic updates signed with TSIG.
 * Settings: {@code server} (host[:port], port 53 by default), {@code tsig-key-name}, {@code tsig-algorithm}
 * (hmac-sha256 by default), {@code tsig-secret-env} (the environment variable holding the base64 secret),
 * {@code timeout} (5s), {@code site} (the scope the server runs in, for control-plane notes).
 */
public final class Rfc2136ProviderType implements ProviderType {

    private static final Logger LOG = Logger.getLogger(Rfc2136ProviderType.class);
    private static final Capabilities CAPABILITIES = Capabilities.builder("rfc2136")
            .can(DNS_RECORDS)
            .notYet(
                    "weighted or geo answers are server-specific (BIND views, PowerDNS Lua records) and not built",
                    DNS_ROUTING_POLICIES)
            .cannot(
                    "RFC 2136 updates DNS zones only",
                    CDN_TTL,
                    CDN_SERVE_STALE,
                    CDN_CACHE_POLICY,
                    DATABASE_PROMOTE,
                    DATABASE_FENCE,
                    DATABASE_DEMOTE,
                    DATABASE_SWITCHOVER,
                    OBJECT_STORE)
            .build();

    @Override
    public String type() {
        return "rfc2136";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ConfiguredProvider connect(ProviderSettings settings, ProviderContext context) {
        settings.onlyKnown(
                Set.of("server", "tsig-key-name", "tsig-algorithm", "tsig-secret-env", "timeout", "site"), Set.of());
        HostPort server = HostPort.parse(settings.required("server"), 53, settings.key("server"));
        String keyName = settings.required("tsig-key-name");
        String algorithm = settings.option("tsig-algorithm").orElse("hmac-sha256");
        String secret = context.secret(settings, "tsig-secret-env");
        TSIG key;
        try {
            Base64.getDecoder().decode(secret.trim());
            key = new TSIG(
                    TSIG.algorithmToName(algorithm), keyName.endsWith(".") ? keyName : keyName + ".", secret.trim());
        } catch (IllegalArgumentException e) {
            // The message never quotes the secret.
            throw new IllegalStateException(settings.key("tsig-algorithm") + " / " + settings.key("tsig-secret-env")
                    + ": the algorithm is not one dnsjava knows (e.g. hmac-sha256), or the secret is not base64");
        }
        Duration timeout = settings.duration("timeout", Duration.ofSeconds(5));
        ControlPlane controlPlane = new ControlPlane(
                settings.option("site").orElse("self-managed/" + server.host()), "dns", "name server " + server.text());
        LOG.infof(
                "provider %s: RFC 2136 updates to %s with TSIG key %s (%s)",
                settings.name(), server.text(), keyName, algorithm);
        Rfc2136Dns dns = new Rfc2136Dns(
                settings.name(),
                new InetSocketAddress(server.host(), server.port()),
                key,
                keyName,
                timeout,
                controlPlane);
        return new ConfiguredProvider(settings.name(), type(), CAPABILITIES, dns, null, null, null, null);
    }
}
