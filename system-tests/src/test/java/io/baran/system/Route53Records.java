package io.baran.system;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/** Reads and seeds records in moto's Route 53, to check what Baran did from the outside. */
final class Route53Records implements AutoCloseable {

    private final Route53Client route53;
    private final String zoneId;

    Route53Records(String endpoint, String zone) {
        route53 = Route53Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        zoneId = route53.createHostedZone(b -> b.name(zone).callerReference("system-test-" + System.nanoTime()))
                .hostedZone()
                .id();
    }

    void upsert(String name, RRType type, String value, long ttl) {
        route53.changeResourceRecordSets(b -> b.hostedZoneId(zoneId)
                .changeBatch(batch -> batch.changes(Change.builder()
                        .action(ChangeAction.UPSERT)
                        .resourceRecordSet(ResourceRecordSet.builder()
                                .name(name)
                                .type(type)
                                .ttl(ttl)
                                .resourceRecords(
                                        ResourceRecord.builder().value(value).build())
                                .build())
                        .build())));
    }

    /** "value ttl" of the record, e.g. {@code primary.baran.test. 300}, or empty when there is none. */
    Optional<String> read(String name, RRType type) {
        return route53
                .listResourceRecordSets(b -> b.hostedZoneId(zoneId)
                        .startRecordName(name)
                        .startRecordType(type)
                        .maxItems("1"))
                .resourceRecordSets()
                .stream()
                .filter(r -> r.name().equals(name) && r.type() == type)
                .findFirst()
                .map(r -> String.join(
                                ",",
                                r.resourceRecords().stream()
                                        .map(ResourceRecord::value)
                                        .toList()) + " " + r.ttl());
    }

    @Override
    public void close() {
        route53.close();
    }
}
