package io.baran.worker.provider.aws;

import io.baran.worker.action.DnsSwitchConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.RecordState;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/** {@code dns.switch} through Route 53, served by a real moto server. */
class Route53DnsSwitchIT extends DnsSwitchConformance {

    @RegisterExtension
    static final MotoFixture moto = MotoFixture.start("moto");

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
        return new ControlPlane("aws/us-east-1", "route53", "Route 53");
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
    protected void setRecord(String fqdn, String type, List<String> values, long ttl) {
        direct.changeResourceRecordSets(b -> b.hostedZoneId(zoneId)
                .changeBatch(batch -> batch.changes(c -> c.action(ChangeAction.UPSERT)
                        .resourceRecordSet(ResourceRecordSet.builder()
                                .name(fqdn)
                                .type(type)
                                .ttl(ttl)
                                .resourceRecords(values.stream()
                                        .map(v -> ResourceRecord.builder()
                                                .value(v)
                                                .build())
                                        .toList())
                                .build()))));
    }

    @Override
    protected RecordState readRecord(String fqdn, String type) {
        return direct.listResourceRecordSets(b -> b.hostedZoneId(zoneId)).resourceRecordSets().stream()
                .filter(s -> (s.name().endsWith(".") ? s.name() : s.name() + ".").equalsIgnoreCase(fqdn)
                        && s.typeAsString().equals(type))
                .findFirst()
                .map(s -> RecordState.present(
                        s.resourceRecords().stream().map(ResourceRecord::value).toList(), s.ttl()))
                .orElse(RecordState.absent());
    }
}
