package io.baran.worker.temporal;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/** The demo zone {@code baran.test.} on a moto server, set up and read with the AWS SDK directly. */
final class MotoZone implements AutoCloseable {

    static final String ZONE = "baran.test.";

    private final Route53Client route53;
    private final String zoneId;

    /** Creates the zone, or finds it when an earlier test created it. */
    MotoZone(String endpoint) {
        route53 = Route53Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(endpoint))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        zoneId = route53.listHostedZonesByName(b -> b.dnsName(ZONE)).hostedZones().stream()
                .filter(z -> z.name().equals(ZONE))
                .findFirst()
                .map(z -> z.id())
                .orElseGet(() -> route53.createHostedZone(b ->
                                b.name(ZONE).callerReference(UUID.randomUUID().toString()))
                        .hostedZone()
                        .id());
    }

    void set(String fqdn, String type, String value, long ttl) {
        route53.changeResourceRecordSets(b -> b.hostedZoneId(zoneId)
                .changeBatch(batch -> batch.changes(c -> c.action(ChangeAction.UPSERT)
                        .resourceRecordSet(ResourceRecordSet.builder()
                                .name(fqdn)
                                .type(type)
                                .ttl(ttl)
                                .resourceRecords(
                                        ResourceRecord.builder().value(value).build())
                                .build()))));
    }

    /** The record's values and TTL, e.g. {@code [primary.baran.test.] 300}, or empty. */
    Optional<String> get(String fqdn, String type) {
        return route53.listResourceRecordSets(b -> b.hostedZoneId(zoneId)).resourceRecordSets().stream()
                .filter(s -> s.name().equals(fqdn) && s.typeAsString().equals(type))
                .findFirst()
                .map(s ->
                        s.resourceRecords().stream().map(ResourceRecord::value).toList() + " " + s.ttl());
    }

    @Override
    public void close() {
        route53.close();
    }
}
