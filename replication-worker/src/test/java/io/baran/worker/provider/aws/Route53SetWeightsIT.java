package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.action.DnsSetWeights;
import io.baran.worker.action.DnsSetWeightsConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.ResourceRecordSetFailover;

/** {@code dns.set-weights} through Route 53 weighted record sets, served by a real moto server. */
class Route53SetWeightsIT extends DnsSetWeightsConformance {

    @RegisterExtension
    static final MotoFixture moto = MotoFixture.start("moto-weights");

    private static Route53Client direct;
    private static String zoneId;
    private static Providers providers;

    @BeforeAll
    static void connect() {
        direct = moto.client(Route53Client.builder(), Region.US_EAST_1);
        zoneId = direct.createHostedZone(b ->
                        b.name(ZONE + ".").callerReference(UUID.randomUUID().toString()))
                .hostedZone()
                .id();
        providers = moto.providers("us-east-1", moto.provider("aws-test", "us-east-1"));
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected ControlPlane controlPlane() {
        return Route53Dns.CONTROL_PLANE;
    }

    @Override
    protected String providerName() {
        return "aws-test";
    }

    @Override
    protected String unreachableProviderName() {
        return MotoFixture.UNREACHABLE;
    }

    @Override
    protected void setWeighted(String fqdn, String setId, String target, long weight) {
        upsert(
                fqdn,
                s -> s.setIdentifier(setId)
                        .weight(weight)
                        .resourceRecords(ResourceRecord.builder().value(target).build()));
    }

    private static void upsert(String fqdn, Consumer<ResourceRecordSet.Builder> set) {
        ResourceRecordSet.Builder builder =
                ResourceRecordSet.builder().name(fqdn).type("CNAME").ttl(60L);
        set.accept(builder);
        direct.changeResourceRecordSets(b -> b.hostedZoneId(zoneId)
                .changeBatch(batch ->
                        batch.changes(c -> c.action(ChangeAction.UPSERT).resourceRecordSet(builder.build()))));
    }

    private static java.util.List<ResourceRecordSet> sets(String fqdn) {
        return direct.listResourceRecordSets(b -> b.hostedZoneId(zoneId)).resourceRecordSets().stream()
                .filter(s -> s.name().equalsIgnoreCase(fqdn) && s.typeAsString().equals("CNAME"))
                .toList();
    }

    @Override
    protected Map<String, Long> readWeights(String fqdn) {
        Map<String, Long> weights = new TreeMap<>();
        sets(fqdn).forEach(s -> weights.put(s.setIdentifier(), s.weight()));
        return weights;
    }

    @Override
    protected String readTarget(String fqdn, String setId) {
        return sets(fqdn).stream()
                .filter(s -> setId.equals(s.setIdentifier()))
                .findFirst()
                .orElseThrow()
                .resourceRecords()
                .get(0)
                .value();
    }

    @Test
    void aFailoverRecordSetIsRefusedNotChanged() {
        String fqdn = "failover-set." + ZONE + ".";
        upsert(
                fqdn,
                s -> s.setIdentifier("primary")
                        .failover(ResourceRecordSetFailover.PRIMARY)
                        .resourceRecords(ResourceRecord.builder()
                                .value("primary.example.net.")
                                .build()));

        ApplicationFailure failure = refused("failover-set");

        assertTrue(
                failure.getOriginalMessage()
                        .contains("uses a routing policy other than weighted (set primary: failover)"),
                failure.getOriginalMessage());
    }

    @Test
    void aLatencyRecordSetIsRefusedNotChanged() {
        String fqdn = "latency-set." + ZONE + ".";
        upsert(
                fqdn,
                s -> s.setIdentifier("east")
                        .region("us-east-1")
                        .resourceRecords(ResourceRecord.builder()
                                .value("east.example.net.")
                                .build()));

        ApplicationFailure failure = refused("latency-set");

        assertTrue(failure.getOriginalMessage().contains("(set east: latency)"), failure.getOriginalMessage());
    }

    @Test
    void aSimpleRecordSetIsLeftToDnsSwitch() {
        upsert(
                "simple-set." + ZONE + ".",
                s -> s.resourceRecords(
                        ResourceRecord.builder().value("primary.example.net.").build()));

        ApplicationFailure failure = refused("simple-set");

        assertTrue(
                failure.getOriginalMessage().contains("is a simple record set, not a weighted one"),
                failure.getOriginalMessage());
    }

    private ApplicationFailure refused(String record) {
        ApplicationFailure failure = failure(() -> new DnsSetWeights(providers)
                .plan(new io.baran.workflow.StepCommand(
                        "exec-1",
                        "shift",
                        DnsSetWeights.NAME,
                        Map.of(
                                "provider",
                                "aws-test",
                                "zone",
                                ZONE,
                                "record",
                                record,
                                "type",
                                "CNAME",
                                "weights",
                                Map.of("primary", 0)))));
        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        return failure;
    }
}
