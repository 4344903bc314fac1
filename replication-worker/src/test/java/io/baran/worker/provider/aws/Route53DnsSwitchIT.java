package io.baran.worker.provider.aws;

import io.baran.testinfra.MotoServer;
import io.baran.testinfra.Ports;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.action.DnsSwitchConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.RecordState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@code dns.switch} through Route 53, served by a real moto server. */
class Route53DnsSwitchIT extends DnsSwitchConformance {

    private static MotoServer moto;
    private static Route53Client direct;
    private static String zoneId;
    private static Providers providers;

    @BeforeAll
    static void startMoto() {
        // The worker reads credentials from the SDK's default chain; moto accepts any.
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "test"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "test"));
        moto = MotoServer.start(WorkDirs.create("moto"));
        direct = Route53Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        zoneId = direct.createHostedZone(b -> b.name(ZONE + ".").callerReference(UUID.randomUUID().toString()))
                .hostedZone().id();
        providers = Providers.connect(List.of(
                        new ProviderSettings("aws-test", "aws", "us-east-1", Optional.of(URI.create(moto.endpoint()))),
                        new ProviderSettings("aws-unreachable", "aws", "us-east-1",
                                Optional.of(URI.create("http://127.0.0.1:" + Ports.free())))),
                ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE));
    }

    @AfterAll
    static void stopMoto() {
        if (providers != null) {
            providers.close();
        }
        if (direct != null) {
            direct.close();
        }
        if (moto != null) {
            moto.close();
        }
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
        return "aws-unreachable";
    }

    @Override
    protected void setRecord(String fqdn, String type, List<String> values, long ttl) {
        direct.changeResourceRecordSets(b -> b.hostedZoneId(zoneId).changeBatch(batch -> batch.changes(c -> c
                .action(ChangeAction.UPSERT)
                .resourceRecordSet(ResourceRecordSet.builder().name(fqdn).type(type).ttl(ttl)
                        .resourceRecords(values.stream().map(v -> ResourceRecord.builder().value(v).build()).toList())
                        .build()))));
    }

    @Override
    protected RecordState readRecord(String fqdn, String type) {
        return direct.listResourceRecordSets(b -> b.hostedZoneId(zoneId)).resourceRecordSets().stream()
                .filter(s -> (s.name().endsWith(".") ? s.name() : s.name() + ".").equalsIgnoreCase(fqdn)
                        && s.typeAsString().equals(type))
                .findFirst()
                .map(s -> RecordState.present(s.resourceRecords().stream().map(ResourceRecord::value).toList(), s.ttl()))
                .orElse(RecordState.absent());
    }
}
