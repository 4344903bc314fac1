package io.baran.worker.provider.aws;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.budget.BudgetedCalls;
import io.baran.worker.budget.CallPriority;
import io.baran.worker.budget.Limit;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DnsProvider;
import io.baran.worker.provider.DnsZone;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Quota;
import io.baran.worker.provider.RecordState;
import io.baran.worker.provider.RecordType;
import io.baran.worker.provider.RecordWeights;
import io.baran.worker.provider.WeightedDns;
import io.baran.worker.provider.ZoneBatcher;
import io.baran.workflow.FailureTypes;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.GetHostedZoneLimitResponse;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.HostedZoneLimitType;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * DNS through Amazon Route 53: simple record sets ({@code dns.switch}) and the weights of weighted sets
 * ({@code dns.set-weights}); alias records and other routing policies (latency, failover, geo…) are refused
 * rather than flattened. Changes to one zone go through its {@link ZoneBatcher}: serialized, and those of
 * every step and execution waiting at the same time sent in as few change batches as Route 53's limits allow, each
 * held until Route 53 reports it INSYNC. Reads of one zone asked at about the same time are one read
 * ({@link CoalescedReads}), the hosted zone's id is remembered for a minute, and every call takes a token of the
 * account's API budget first (Route 53 allows five requests per second per account, all calls counted together).
 */
public final class Route53Dns implements DnsProvider, WeightedDns, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Route53Dns.class);
    private static final Duration FIRST_POLL = Duration.ofMillis(250);
    /**
     * The longest pause between two {@code GetChange} polls of one change: Route 53 says changes generally propagate
     * within 60 seconds, and each zone with changes propagating polls one of them; polled every second, ten such zones
     * would take twice the account's five calls a second.
     */
    static final Duration MAX_POLL = Duration.ofSeconds(5);
    /** Route 53's API is served from us-east-1, whichever region the records point at. */
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("aws/us-east-1", "route53", "Route 53");
    /** How long the first change to a zone waits for the changes of parallel steps, to send them in one batch. */
    static final Duration BATCH_WINDOW = Duration.ofMillis(50);
    /**
     * One batcher per zone and API budget, shared by every Route 53 provider of this worker drawing from that budget: two
     * providers may name the same account's zone (they share the SDK's default credentials, so either's client may send
     * the batch; they set the same api-account).
     */
    private static final ConcurrentHashMap<String, ZoneBatcher<Change, RecordSets>> BATCHERS =
            new ConcurrentHashMap<>();

    private static final ConcurrentHashMap<String, CoalescedReads<RecordSets>> READS = new ConcurrentHashMap<>();
    /** The last whole listing of each zone (same keys as the batchers), for plans. */
    private static final ConcurrentHashMap<String, RecentListing> LISTINGS = new ConcurrentHashMap<>();
    /**
     * How old a listing may be to answer a plan's read. The batches of a zone list it about every second during a mass
     * failover; a plan observing a record someone changed within this time expects the state before that change, and
     * its change's batch, which reads afresh, refuses it (PlanUnsafe) rather than overwrite it.
     */
    static final Duration PLAN_READ_AGE = Duration.ofSeconds(2);
    /**
     * How old a listing may be for a change batch whose changes are all conditional at Route 53 to be prepared from it
     * (and this worker's changes since) instead of a read of its own. Route 53 refuses such a batch when a record is no
     * longer as the listing says, and the batch is then read and sent again; older listings would only make that more
     * likely.
     */
    static final Duration BATCH_VIEW_AGE = Duration.ofSeconds(30);
    /** How long a hosted zone's id (and its size) is remembered: zones are seldom deleted and made again. */
    static final Duration ZONE_CACHE = Duration.ofMinutes(1);
    /** Route 53 returns at most 300 record sets per page of a listing. */
    private static final int PAGE = 300;

    /** Change batches and coalesced reads; a task runs in the trace of the call that queued it (taskWrapping). */
    private static final ExecutorService BATCHES = Context.taskWrapping(Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "route53-change-batches");
        thread.setDaemon(true);
        return thread;
    }));

    private final String name;
    private final Route53Client client;
    private final Duration syncTimeout;
    private final Heartbeat heartbeat;
    private final AwsCalls calls;
    private final ConcurrentHashMap<String, KnownZone> zones = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> lookUps = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, KnownQuota> quotas = new ConcurrentHashMap<>();

    public Route53Dns(
            String name, Route53Client client, Duration syncTimeout, Heartbeat heartbeat, BudgetedCalls budget) {
        this.name = name;
        this.client = client;
        this.syncTimeout = syncTimeout;
        this.heartbeat = heartbeat;
        this.calls = new AwsCalls(name, "Route 53", budget);
    }

    /** Builds the client; credentials come from the SDK's default chain (environment, system properties, profile, role). */
    public static Route53Dns connect(
            ProviderSettings settings, Duration syncTimeout, Heartbeat heartbeat, BudgetedCalls budget) {
        LOG.infof(
                "provider %s: Route 53 in %s%s, API budget %s %s",
                settings.name(),
                settings.region(),
                settings.endpoint().map(e -> " at " + e).orElse(""),
                budget.bucket(),
                budget.limit().map(Limit::describe).orElse("unlimited"));
        return new Route53Dns(
                settings.name(),
                AwsClients.build(Route53Client.builder(), settings, Region.of(settings.region()), true),
                syncTimeout,
                heartbeat,
                budget);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ControlPlane controlPlane() {
        return CONTROL_PLANE;
    }

    @Override
    public DnsZone zone(String fqdn) {
        return knownZone(fqdn).zone();
    }

    private KnownZone knownZone(String fqdn) {
        String key = fqdn.toLowerCase(Locale.ROOT);
        KnownZone known = zones.get(key);
        if (known != null && System.nanoTime() < known.expires()) {
            return known;
        }
        // One look-up per zone, however many steps ask at once: the others wait for it rather than spend the budget.
        synchronized (lookUps.computeIfAbsent(key, k -> new Object())) {
            known = zones.get(key);
            if (known == null || System.nanoTime() >= known.expires()) {
                known = shared(() -> lookUp(fqdn));
                zones.put(key, known);
            }
            return known;
        }
    }

    private KnownZone lookUp(String fqdn) {
        List<HostedZone> matches = calls
                .call(
                        "ListHostedZonesByName",
                        "zone " + fqdn,
                        () -> client.listHostedZonesByName(b -> b.dnsName(fqdn).maxItems("10")))
                .hostedZones()
                .stream()
                .filter(z -> z.name().equalsIgnoreCase(fqdn))
                .toList();
        if (matches.isEmpty()) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED, "provider " + name + " (Route 53) has no hosted zone " + fqdn);
        }
        if (matches.size() > 1) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "provider " + name + " (Route 53) holds " + matches.size()
                            + " hosted zones named " + fqdn + " ("
                            + String.join(
                                    ", ",
                                    matches.stream().map(z -> shortId(z.id())).toList())
                            + "); dns.switch cannot yet tell which one to change");
        }
        HostedZone found = matches.get(0);
        return new KnownZone(
                new DnsZone(shortId(found.id()), fqdn),
                found.resourceRecordSetCount() == null ? Long.MAX_VALUE : found.resourceRecordSetCount(),
                System.nanoTime() + ZONE_CACHE.toNanos());
    }

    /**
     * A call others may wait for (a look-up every step of the zone shares): never made as a background call, which waits
     * for the budget to be quiet while those steps would wait for it.
     */
    private static <T> T shared(Supplier<T> call) {
        return CallPriority.with(Math.min(CallPriority.current(), CallPriority.DEFAULT), call);
    }

    /** A hosted zone as last looked up: its id, how many record sets it held, until when it is taken as is. */
    private record KnownZone(DnsZone zone, long recordSets, long expires) {}

    /**
     * {@code GetHostedZoneLimit} with {@code MAX_RRSETS_BY_ZONE}: the zone's limit of record sets (10,000 by default) and
     * how many it holds, remembered for a minute like the zone's id, so runbooks sharing a zone spend one call a round.
     * Needs {@code route53:GetHostedZoneLimit}.
     */
    @Override
    public Optional<Quota> recordSetQuota(DnsZone zone) {
        KnownQuota known = quotas.get(zone.id());
        if (known != null && System.nanoTime() < known.expires()) {
            return known.answer();
        }
        // One call per zone, however many checks ask at once: the others wait for its answer.
        synchronized (lookUps.computeIfAbsent("quota " + zone.id(), k -> new Object())) {
            known = quotas.get(zone.id());
            if (known != null && System.nanoTime() < known.expires()) {
                return known.answer();
            }
            try {
                return Optional.of(shared(() -> readQuota(zone)));
            } catch (RuntimeException e) {
                // Remembered as long as an answer would be: readiness rounds do not ask an API that refuses the call
                // (a permission missing, an emulator without it) once per step.
                quotas.put(zone.id(), new KnownQuota(null, e, System.nanoTime() + ZONE_CACHE.toNanos()));
                throw e;
            }
        }
    }

    private Quota readQuota(DnsZone zone) {
        GetHostedZoneLimitResponse answer = calls.call(
                "GetHostedZoneLimit",
                "zone " + zone.name(),
                () -> client.getHostedZoneLimit(
                        b -> b.hostedZoneId(zone.id()).type(HostedZoneLimitType.MAX_RRSETS_BY_ZONE)));
        long used =
                answer.count() != null ? answer.count() : knownZone(zone.name()).recordSets();
        Quota quota = new Quota(
                "record sets in hosted zone " + zone.name() + " (" + zone.id() + ", MAX_RRSETS_BY_ZONE)",
                used,
                answer.limit().value());
        quotas.put(zone.id(), new KnownQuota(quota, null, System.nanoTime() + ZONE_CACHE.toNanos()));
        return quota;
    }

    /** A zone's quota as read, or the failure reading it gave, until {@code expires}. */
    private record KnownQuota(Quota quota, RuntimeException failure, long expires) {
        Optional<Quota> answer() {
            if (failure != null) {
                throw failure;
            }
            return Optional.of(quota);
        }
    }

    @Override
    public RecordState observe(DnsZone zone, String fqdn, RecordType type) {
        return simple(read(zone, fqdn, type), zone, fqdn, type);
    }

    /**
     * As {@link #observe}; but while this worker is reading or changing the zone for other steps (a burst, as in a mass
     * failover), from the zone's last whole listing when it began at most {@link #PLAN_READ_AGE} ago and this worker
     * has not changed the record set since ({@link RecentListing}). A quiet zone is read afresh: a read costs little
     * then, and a record made by hand just before a drill is planned as it is.
     */
    @Override
    public RecordState observeForPlan(DnsZone zone, String fqdn, RecordType type) {
        String key = zoneKey(zone);
        CoalescedReads<RecordSets> reads = READS.get(key);
        ZoneBatcher<Change, RecordSets> batcher = BATCHERS.get(key);
        boolean busy = (reads != null && reads.busy()) || (batcher != null && batcher.busy());
        Optional<List<ResourceRecordSet>> listed =
                busy ? listing(zone).read(RecordSets.key(fqdn, type.name()), PLAN_READ_AGE) : Optional.empty();
        return simple(listed.orElseGet(() -> read(zone, fqdn, type)), zone, fqdn, type);
    }

    private RecentListing listing(DnsZone zone) {
        return LISTINGS.computeIfAbsent(zoneKey(zone), k -> new RecentListing(System::nanoTime));
    }

    /**
     * The record sets of one name and type, read together with those other steps ask of the zone at the same time.
     * Readiness checks ({@link CallPriority#BACKGROUND}) share reads among themselves only: a read of theirs waits for
     * the account's budget to be quiet, and no step of an execution waits with it.
     */
    private List<ResourceRecordSet> read(DnsZone zone, String fqdn, RecordType type) {
        String what = fqdn + " " + type + " in zone " + zone.name() + " (provider " + name + ")";
        boolean background = CallPriority.current() >= CallPriority.BACKGROUND;
        CoalescedReads<RecordSets> reads = READS.computeIfAbsent(
                zoneKey(zone) + (background ? "|background" : ""),
                k -> new CoalescedReads<>(keys -> readSets(zone, keys), budgetTurn(zone), BATCH_WINDOW, BATCHES));
        return reads.read(RecordSets.key(fqdn, type.name()), heartbeat, what, syncTimeout.multipliedBy(3))
                .get(fqdn, type.name());
    }

    /** A zone read's turn: the account's token for its first call, taken before the read gathers its questions. */
    private CoalescedReads.Turn budgetTurn(DnsZone zone) {
        return new CoalescedReads.Turn() {
            @Override
            public void await() {
                calls.prepay("ListResourceRecordSets", "zone " + zone.name());
            }

            @Override
            public void forfeit() {
                BudgetedCalls.forfeitPrepaid();
            }
        };
    }

    /**
     * Reads the record sets of the keys ({@code name type}): one listing of the whole zone when that takes fewer calls
     * than one listing per key, otherwise one listing starting at each.
     */
    RecordSets readSets(DnsZone zone, List<String> keys) {
        long pages = Math.max(1, (knownZone(zone.name()).recordSets() + PAGE - 1) / PAGE);
        RecordSets found = new RecordSets();
        if (keys.size() > 1 && pages <= keys.size()) {
            String what = keys.size() + " record sets of zone " + zone.name();
            RecentListing listing = listing(zone);
            long startedAt = listing.now();
            ListResourceRecordSetsResponse page = null;
            do {
                ListResourceRecordSetsResponse previous = page;
                page = calls.call(
                        "ListResourceRecordSets",
                        what,
                        () -> client.listResourceRecordSets(b -> {
                            b.hostedZoneId(zone.id()).maxItems(String.valueOf(PAGE));
                            if (previous != null) {
                                b.startRecordName(previous.nextRecordName())
                                        .startRecordType(previous.nextRecordTypeAsString())
                                        .startRecordIdentifier(previous.nextRecordIdentifier());
                            }
                        }));
                page.resourceRecordSets().forEach(found::add);
            } while (Boolean.TRUE.equals(page.isTruncated()));
            listing.listed(found, startedAt);
            return found;
        }
        for (String key : keys) {
            int space = key.lastIndexOf(' ');
            String fqdn = key.substring(0, space);
            String type = key.substring(space + 1).toUpperCase(Locale.ROOT);
            calls.call(
                            "ListResourceRecordSets",
                            fqdn + " " + type + " in zone " + zone.name(),
                            () -> client.listResourceRecordSets(b -> b.hostedZoneId(zone.id())
                                    .startRecordName(fqdn)
                                    .startRecordType(type)
                                    .maxItems(String.valueOf(PAGE))))
                    .resourceRecordSets()
                    .forEach(found::add);
        }
        return found;
    }

    /** The simple record set among the sets read: alias records and routing policies are refused, not flattened. */
    private RecordState simple(List<ResourceRecordSet> sets, DnsZone zone, String fqdn, RecordType type) {
        String what = fqdn + " " + type + " in zone " + zone.name();
        if (sets.isEmpty()) {
            return RecordState.absent();
        }
        ResourceRecordSet set = sets.get(0);
        if (set.aliasTarget() != null) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    what + " of provider " + name + " is an alias record; dns.switch changes simple records only");
        }
        if (set.setIdentifier() != null) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    what + " of provider " + name + " uses a routing policy (set " + set.setIdentifier()
                            + "); dns.switch changes simple records only");
        }
        return RecordState.present(
                set.resourceRecords().stream().map(ResourceRecord::value).toList(), set.ttl() == null ? 0 : set.ttl());
    }

    /** Record sets read from a zone, by name and type. */
    static final class RecordSets {
        private final Map<String, List<ResourceRecordSet>> byKey = new HashMap<>();
        private final boolean recent;

        RecordSets() {
            this(false);
        }

        /** @param recent from a recent listing and this worker's changes since ({@link RecentListing#view}), not a read */
        RecordSets(boolean recent) {
            this.recent = recent;
        }

        /**
         * Whether these sets come from a recent listing, not a read: a change prepared from them must be conditional at
         * Route 53, and nothing else may be concluded from them.
         */
        boolean recent() {
            return recent;
        }

        static String key(String fqdn, String type) {
            String name = fqdn.replace("\\052", "*").toLowerCase(Locale.ROOT);
            return (name.endsWith(".") ? name : name + ".") + " " + type.toLowerCase(Locale.ROOT);
        }

        void add(ResourceRecordSet set) {
            byKey.computeIfAbsent(key(set.name(), set.typeAsString()), k -> new ArrayList<>())
                    .add(set);
        }

        List<ResourceRecordSet> get(String fqdn, String type) {
            return byKey(key(fqdn, type));
        }

        /** @param key as {@link #key} makes it */
        List<ResourceRecordSet> byKey(String key) {
            return byKey.getOrDefault(key, List.of());
        }
    }

    /**
     * DELETE of the record set as it is and CREATE of the desired one, in one batch (CREATE alone where the record is
     * absent, DELETE alone when the desired record set is absent), checked in the zone's batcher, just before its batch
     * is sent, to be still as expected. Conditional at Route 53 itself too: it refuses a DELETE whose values are not the
     * record set's current ones and a CREATE of a record set that exists, and applies a batch whole or not at all, so a
     * record someone changes after the check is never overwritten.
     */
    @Override
    public void replace(DnsZone zone, String fqdn, RecordType type, RecordState expected, RecordState desired) {
        replaceIfStill(zone, fqdn, type, expected, desired);
    }

    /** Route 53's batches observe and compare each record just before they are sent: the step need not read it first. */
    @Override
    public Boolean replaceIfStill(
            DnsZone zone, String fqdn, RecordType type, RecordState expected, RecordState desired) {
        String what = fqdn + " " + type + " in zone " + zone.name();
        return batch(zone, fqdn, type, what, view -> {
            List<ResourceRecordSet> sets = view.get(fqdn, type.name());
            return changeTo(fqdn, type, expected, desired, sets, simple(sets, zone, fqdn, type), what);
        });
    }

    /**
     * The changes that move the record from {@code expected} to {@code desired}, found {@code current} (read as
     * {@code sets}): none when it is already desired, PlanUnsafe when it is neither. Each is conditional at Route 53: a
     * DELETE names the set exactly as read (Route 53 refuses it when the set's values differ), a CREATE fails when the
     * set exists, and the two of an update go in one batch, applied whole or not at all.
     */
    private List<Change> changeTo(
            String fqdn,
            RecordType type,
            RecordState expected,
            RecordState desired,
            List<ResourceRecordSet> sets,
            RecordState current,
            String what) {
        if (current.sameAs(desired, type)) {
            return List.of();
        }
        if (!current.sameAs(expected, type)) {
            throw Failures.of(
                    FailureTypes.PLAN_UNSAFE,
                    what + " of provider " + name + " is now " + current.describe() + ", not " + expected.describe()
                            + " as planned: it was changed by someone else since");
        }
        List<Change> changes = new ArrayList<>(2);
        if (current.exists()) {
            // The set exactly as read (its TTL, values and whatever else it holds), under the name the step gives.
            changes.add(Change.builder()
                    .action(ChangeAction.DELETE)
                    .resourceRecordSet(sets.get(0).toBuilder().name(fqdn).build())
                    .build());
        }
        if (desired.exists()) {
            changes.add(Change.builder()
                    .action(ChangeAction.CREATE)
                    .resourceRecordSet(ResourceRecordSet.builder()
                            .name(fqdn)
                            .type(type.name())
                            .ttl(desired.ttl())
                            .resourceRecords(desired.values().stream()
                                    .map(v -> ResourceRecord.builder().value(v).build())
                                    .toList())
                            .build())
                    .build());
        }
        return changes;
    }

    /**
     * Plans the switch from the batch's own read of the zone, just before the batch is sent: no read for the plan. The
     * first preparation plans (and the plan is recorded by {@code planned}); a preparation again (the batch refused as a
     * whole and split) compares with the state first found, as {@link #replaceIfStill} does with a plan's.
     */
    @Override
    public Boolean planAndReplace(
            DnsZone zone, String fqdn, RecordType type, RecordState desired, Consumer<RecordState> planned) {
        String what = fqdn + " " + type + " in zone " + zone.name();
        AtomicReference<RecordState> first = new AtomicReference<>();
        AtomicBoolean firstFromRecent = new AtomicBoolean();
        return batch(zone, fqdn, type, what, view -> {
            List<ResourceRecordSet> sets = view.get(fqdn, type.name());
            RecordState current = simple(sets, zone, fqdn, type);
            // Planned again from a read after a plan from what was known of the zone: nothing was changed in between
            // (the batch from it was refused, or it found nothing to change), and the read is the truth.
            if (first.get() == null || (firstFromRecent.get() && !view.recent())) {
                planned.accept(current);
                first.set(current);
                firstFromRecent.set(view.recent());
            }
            return changeTo(fqdn, type, first.get(), desired, sets, current, what);
        });
    }

    /**
     * The key of a zone's batcher and reads: the same zone reached through another endpoint (an emulator) is another zone,
     * and providers drawing from another API budget (another account, another replica) batch apart.
     */
    private String zoneKey(DnsZone zone) {
        return client.serviceClientConfiguration()
                        .endpointOverride()
                        .map(Object::toString)
                        .orElse("aws") + zone.id() + "|" + calls.scope();
    }

    @Override
    public RecordWeights observeWeights(DnsZone zone, String fqdn, RecordType type) {
        return weights(weighted(read(zone, fqdn, type), zone, fqdn, type));
    }

    private static RecordWeights weights(List<ResourceRecordSet> sets) {
        return new RecordWeights(
                sets.stream().collect(Collectors.toMap(ResourceRecordSet::setIdentifier, ResourceRecordSet::weight)));
    }

    /**
     * Every record set of the name and type, each checked to be weighted: a simple, latency, failover or geo
     * set, or an alias, fails (CapabilityMissing) saying which, rather than being changed as if weighted.
     */
    private List<ResourceRecordSet> weighted(List<ResourceRecordSet> sets, DnsZone zone, String fqdn, RecordType type) {
        String what = fqdn + " " + type + " in zone " + zone.name();
        for (ResourceRecordSet set : sets) {
            String refusal = set.setIdentifier() == null
                    ? "is a simple record set, not a weighted one (dns.switch changes it)"
                    : set.aliasTarget() != null
                            ? "holds an alias record (set " + set.setIdentifier()
                                    + "); alias records are refused, not flattened"
                            : set.weight() == null
                                    ? "uses a routing policy other than weighted (set " + set.setIdentifier() + ": "
                                            + policy(set) + "); only weights can be changed"
                                    : null;
            if (refusal != null) {
                throw Failures.of(FailureTypes.CAPABILITY_MISSING, what + " of provider " + name + " " + refusal);
            }
        }
        return sets;
    }

    private static String policy(ResourceRecordSet set) {
        return set.failover() != null
                ? "failover"
                : set.region() != null
                        ? "latency"
                        : set.geoLocation() != null
                                ? "geolocation"
                                : set.multiValueAnswer() != null ? "multivalue answer" : "another policy";
    }

    /**
     * One change batch: for each named set whose weight differs, the DELETE of the set exactly as read and the CREATE of
     * the same set with the new weight (everything else as read), so Route 53 refuses the batch when a set is no
     * longer as read.
     */
    @Override
    public void replaceWeights(
            DnsZone zone, String fqdn, RecordType type, RecordWeights expected, RecordWeights desired) {
        String what = fqdn + " " + type + " in zone " + zone.name();
        batch(zone, fqdn, type, what + " weights " + expected.diff(desired), view -> {
            List<ResourceRecordSet> sets = weighted(view.get(fqdn, type.name()), zone, fqdn, type);
            RecordWeights current = weights(sets).only(expected.weights().keySet());
            if (current.equals(desired)) {
                return List.of();
            }
            if (!current.equals(expected)) {
                throw Failures.of(
                        FailureTypes.PLAN_UNSAFE,
                        what + " of provider " + name + " now weighs " + current.describe() + ", not "
                                + expected.describe() + " as planned: it was changed by someone else since");
            }
            return sets.stream()
                    .filter(set -> desired.weights().containsKey(set.setIdentifier())
                            && !desired.weights().get(set.setIdentifier()).equals(set.weight()))
                    .flatMap(set -> java.util.stream.Stream.of(
                            Change.builder()
                                    .action(ChangeAction.DELETE)
                                    .resourceRecordSet(set)
                                    .build(),
                            Change.builder()
                                    .action(ChangeAction.CREATE)
                                    .resourceRecordSet(set.toBuilder()
                                            .weight(desired.weights().get(set.setIdentifier()))
                                            .build())
                                    .build()))
                    .toList();
        });
    }

    /**
     * Queues the change with the other changes to the zone and waits for it (heartbeating), for at most three
     * sync timeouts: the budget may hold the batches queued ahead of it, and the batches accepted before it are
     * confirmed before it.
     */
    private boolean batch(
            DnsZone zone, String fqdn, RecordType type, String what, Function<RecordSets, List<Change>> prepare) {
        return batcher(zone)
                .run(
                        RecordSets.key(fqdn, type.name()),
                        prepare,
                        heartbeat,
                        what + " (provider " + name + ")",
                        syncTimeout.multipliedBy(3));
    }

    /** The zone's batcher, shared by every provider of this worker drawing from the same API budget. */
    ZoneBatcher<Change, RecordSets> batcher(DnsZone zone) {
        return BATCHERS.computeIfAbsent(
                zoneKey(zone),
                k -> new ZoneBatcher<>(
                        new ZoneBatcher.Zone<>() {
                            @Override
                            public String submit(List<Change> changes) {
                                String batchWhat = changes.size() + " change(s) to zone " + zone.name();
                                RecentListing listing = listing(zone);
                                List<String> keys = changes.stream()
                                        .map(c -> RecordSets.key(
                                                c.resourceRecordSet().name(),
                                                c.resourceRecordSet().typeAsString()))
                                        .distinct()
                                        .toList();
                                listing.changing(keys);
                                ChangeInfo info;
                                try {
                                    info = calls.call(
                                                    "ChangeResourceRecordSets",
                                                    batchWhat,
                                                    () -> client.changeResourceRecordSets(b -> b.hostedZoneId(zone.id())
                                                            .changeBatch(c -> c.comment("Baran")
                                                                    .changes(changes))))
                                            .changeInfo();
                                } catch (RuntimeException refusedOrUnknown) {
                                    listing.unknown(keys);
                                    throw refusedOrUnknown;
                                }
                                // Accepted: every listing begun from now on shows it, and so does the listing's view.
                                listing.accepted(changes);
                                LOG.infof(
                                        "provider %s: %s (%s), change %s",
                                        name, batchWhat, describe(changes), shortId(info.id()));
                                return shortId(info.id());
                            }

                            @Override
                            public void awaitInSync(String changeId) {
                                Route53Dns.this.awaitInSync(changeId, "zone " + zone.name());
                            }

                            /**
                             * Route 53 answers ListResourceRecordSets with every change it accepted, PENDING ones
                             * included, and applies a zone's changes in the order it accepts them: the next batch
                             * need not wait for this one to reach every name server.
                             */
                            @Override
                            public boolean readsSeeAcceptedChanges() {
                                return true;
                            }

                            @Override
                            public RecordSets view(List<String> recordKeys) {
                                return readSets(zone, recordKeys);
                            }

                            /** Every change is conditional at Route 53 (a DELETE of the set as read, a CREATE). */
                            @Override
                            public RecordSets recentView(List<String> recordKeys) {
                                return listing(zone)
                                        .view(recordKeys, BATCH_VIEW_AGE)
                                        .orElse(null);
                            }

                            @Override
                            public void awaitTurn() {
                                calls.prepay("ListResourceRecordSets", "zone " + zone.name() + " for a change batch");
                            }

                            @Override
                            public void forfeitTurn() {
                                BudgetedCalls.forfeitPrepaid();
                            }

                            @Override
                            public int elements(Change change) {
                                return change.resourceRecordSet()
                                                .resourceRecords()
                                                .size()
                                        * (change.action() == ChangeAction.UPSERT ? 2 : 1);
                            }

                            @Override
                            public int characters(Change change) {
                                return change.resourceRecordSet().resourceRecords().stream()
                                                .mapToInt(r -> r.value().length())
                                                .sum()
                                        * (change.action() == ChangeAction.UPSERT ? 2 : 1);
                            }
                        },
                        BATCH_WINDOW,
                        BATCHES));
    }

    private static String describe(List<Change> changes) {
        return String.join(
                "; ",
                changes.stream()
                        .map(c -> c.actionAsString() + " "
                                + c.resourceRecordSet().name() + " "
                                + c.resourceRecordSet().typeAsString()
                                + (c.resourceRecordSet().setIdentifier() == null
                                        ? ""
                                        : " set " + c.resourceRecordSet().setIdentifier() + " weight "
                                                + c.resourceRecordSet().weight())
                                + " "
                                + c.resourceRecordSet().resourceRecords().stream()
                                        .map(ResourceRecord::value)
                                        .toList())
                        .toList());
    }

    /** How many coalesced reads of the zone this worker made; for tests. */
    static int readsMade(String endpointAndZoneId) {
        return READS.entrySet().stream()
                .filter(e -> e.getKey().startsWith(endpointAndZoneId + "|"))
                .mapToInt(e -> e.getValue().reads())
                .sum();
    }

    /** How many change batches went to the zone from this worker; for tests. */
    static int batchesSent(String endpointAndZoneId) {
        return BATCHERS.entrySet().stream()
                .filter(e -> e.getKey().startsWith(endpointAndZoneId + "|"))
                .mapToInt(e -> e.getValue().batchesSent())
                .sum();
    }

    /** Route 53 answers before its servers serve the change; the step is done only when they do. */
    private void awaitInSync(String id, String what) {
        long deadline = System.nanoTime() + syncTimeout.toNanos();
        Duration pause = FIRST_POLL;
        while (true) {
            ChangeStatus status = calls.call(
                            "GetChange", "change " + id + " of " + what, () -> client.getChange(b -> b.id(id)))
                    .changeInfo()
                    .status();
            if (status == ChangeStatus.INSYNC) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                // Retryable: the change is made, so a retried apply finds the desired state and changes nothing.
                throw Failures.of(
                        FailureTypes.PROVIDER_UNAVAILABLE,
                        "provider " + name + " (Route 53): change " + id + " of " + what + " is still " + status
                                + " after " + syncTimeout.toSeconds() + " s");
            }
            sleep(Duration.ofNanos(Math.min(pause.toNanos(), left)));
            pause = nextPoll(pause);
        }
    }

    /** The pause after {@code pause} between two polls of a change: twice as long, at most {@link #MAX_POLL}. */
    static Duration nextPoll(Duration pause) {
        Duration twice = pause.multipliedBy(2);
        return twice.compareTo(MAX_POLL) > 0 ? MAX_POLL : twice;
    }

    /** Ids come back as {@code /hostedzone/Z123} or {@code /change/C123}; requests take the bare id. */
    private static String shortId(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Route 53 change", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
