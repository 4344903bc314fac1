package io.baran.system;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** Creates (or replaces) many records of the zone, 400 to a change batch (Route 53 counts an UPSERT twice). */
    void upsertAll(Map<String, String> valueByName, RRType type, long ttl) {
        List<Change> changes = valueByName.entrySet().stream()
                .map(e -> Change.builder()
                        .action(ChangeAction.UPSERT)
                        .resourceRecordSet(ResourceRecordSet.builder()
                                .name(e.getKey())
                                .type(type)
                                .ttl(ttl)
                                .resourceRecords(ResourceRecord.builder()
                                        .value(e.getValue())
                                        .build())
                                .build())
                        .build())
                .toList();
        for (int from = 0; from < changes.size(); from += 400) {
            List<Change> batch = changes.subList(from, Math.min(changes.size(), from + 400));
            route53.changeResourceRecordSets(b -> b.hostedZoneId(zoneId).changeBatch(c -> c.changes(batch)));
        }
    }

    /** The first value of every record of {@code type} in the zone, by name; read page by page. */
    Map<String, String> values(RRType type) {
        Map<String, String> values = new HashMap<>();
        String next = null;
        for (int page = 0; page < 1000; page++) {
            String from = next;
            var answer = route53.listResourceRecordSets(b -> {
                b.hostedZoneId(zoneId).maxItems("300");
                if (from != null) {
                    b.startRecordName(from).startRecordType(type);
                }
            });
            answer.resourceRecordSets().stream()
                    .filter(r -> r.type() == type && !r.resourceRecords().isEmpty())
                    .forEach(
                            r -> values.put(r.name(), r.resourceRecords().get(0).value()));
            if (!Boolean.TRUE.equals(answer.isTruncated())) {
                return values;
            }
            next = answer.nextRecordName();
        }
        throw new IllegalStateException("the zone has more than 1,000 pages of records");
    }

    @Override
    public void close() {
        route53.close();
    }
}
