package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

class RecentListingTest {

    private static final Duration AGE = Duration.ofSeconds(2);
    private static final String WEB = Route53Dns.RecordSets.key("web.example.test.", "CNAME");
    private static final String API = Route53Dns.RecordSets.key("api.example.test.", "CNAME");
    private static final String GONE = Route53Dns.RecordSets.key("gone.example.test.", "CNAME");

    private final AtomicLong nanos = new AtomicLong(-5_000_000_000L);
    private final RecentListing listing = new RecentListing(nanos::get);

    @Test
    void answersFromAListingBegunAtMostTheAgeAgoAndAnAbsentRecordAsAbsent() {
        assertEquals(Optional.empty(), listing.read(WEB, AGE), "nothing listed yet");
        long begun = listing.now();
        later(300);
        listing.listed(sets("web", "api"), begun);
        later(1_500);

        assertEquals("web.primary.test.", value(listing.read(WEB, AGE)));
        assertEquals(List.of(), listing.read(GONE, AGE).orElseThrow(), "absent from a whole listing: absent");
        later(300);
        assertEquals(Optional.empty(), listing.read(WEB, AGE), "begun 2.1 s ago: too old");
    }

    @Test
    void aRecordThisWorkerIsChangingOrChangedSinceTheListingBeganIsNeverAnsweredFromIt() {
        long begun = listing.now();
        later(100);
        listing.changing(List.of(WEB)); // a batch sent while the listing's pages were read
        listing.listed(sets("web", "api"), begun);

        assertEquals(Optional.empty(), listing.read(WEB, AGE), "in flight");
        assertEquals("api.primary.test.", value(listing.read(API, AGE)), "another record of the zone");
        later(200);
        listing.accepted(List.of(change(ChangeAction.UPSERT, "web", "web.primary.test.")));
        assertEquals(Optional.empty(), listing.read(WEB, AGE), "accepted after the listing began");

        later(50);
        long next = listing.now();
        later(100);
        listing.listed(sets("web", "api"), next);
        assertEquals(
                "web.primary.test.", value(listing.read(WEB, AGE)), "a listing begun after the change was accepted");
    }

    @Test
    void aListingBegunEarlierNeverReplacesOneBegunLater() {
        long first = listing.now();
        later(100);
        long second = listing.now();
        later(100);
        listing.listed(sets("web"), second);
        listing.listed(sets("api"), first); // finished last, but begun first: older

        assertTrue(listing.read(WEB, AGE).map(s -> !s.isEmpty()).orElse(false));
        assertEquals(List.of(), listing.read(API, AGE).orElseThrow());
    }

    @Test
    void aBatchsViewIsTheListingWithThisWorkersAcceptedChangesAndNothingWhereAChangesFateIsUnknown() {
        long begun = listing.now();
        later(100);
        listing.listed(sets("web", "api", "gone"), begun);
        later(100);
        listing.changing(List.of(WEB, GONE));
        listing.accepted(List.of(
                change(ChangeAction.DELETE, "web", "web.primary.test."),
                change(ChangeAction.CREATE, "web", "web.standby.test."),
                change(ChangeAction.DELETE, "gone", "gone.primary.test.")));

        Route53Dns.RecordSets view = listing.view(List.of(WEB, API, GONE), AGE).orElseThrow();
        assertTrue(view.recent(), "known, not read");
        assertEquals(
                "web.standby.test.",
                view.byKey(WEB).get(0).resourceRecords().get(0).value(),
                "as this worker's accepted change made it");
        assertEquals(
                "api.primary.test.",
                view.byKey(API).get(0).resourceRecords().get(0).value(),
                "as listed");
        assertEquals(List.of(), view.byKey(GONE), "deleted by this worker");
        assertEquals(Optional.empty(), listing.read(WEB, AGE), "a plan's read still never answers a changed record");

        listing.changing(List.of(API));
        assertEquals(Optional.empty(), listing.view(List.of(WEB, API), AGE), "a change in flight");
        listing.unknown(List.of(API)); // refused, or no answer
        assertEquals(Optional.empty(), listing.view(List.of(API), AGE), "its fate unknown");
        assertTrue(listing.view(List.of(WEB), AGE).isPresent(), "the others are still known");

        later(100);
        long next = listing.now();
        later(100);
        listing.listed(sets("api"), next);
        assertEquals(
                "api.primary.test.",
                listing.view(List.of(API), AGE)
                        .orElseThrow()
                        .byKey(API)
                        .get(0)
                        .resourceRecords()
                        .get(0)
                        .value(),
                "a listing begun after the change was refused says what it holds");
        later(2_100);
        assertEquals(Optional.empty(), listing.view(List.of(API), AGE), "too old");
    }

    private static Change change(ChangeAction action, String name, String value) {
        return Change.builder()
                .action(action)
                .resourceRecordSet(ResourceRecordSet.builder()
                        .name(name + ".example.test.")
                        .type("CNAME")
                        .ttl(60L)
                        .resourceRecords(ResourceRecord.builder().value(value).build())
                        .build())
                .build();
    }

    private void later(long millis) {
        nanos.addAndGet(millis * 1_000_000);
    }

    private static Route53Dns.RecordSets sets(String... names) {
        Route53Dns.RecordSets sets = new Route53Dns.RecordSets();
        for (String name : names) {
            sets.add(ResourceRecordSet.builder()
                    .name(name + ".example.test.")
                    .type("CNAME")
                    .ttl(60L)
                    .resourceRecords(ResourceRecord.builder()
                            .value(name + ".primary.test.")
                            .build())
                    .build());
        }
        return sets;
    }

    private static String value(Optional<List<ResourceRecordSet>> sets) {
        return sets.orElseThrow().get(0).resourceRecords().get(0).value();
    }
}
