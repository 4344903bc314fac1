package io.baran.worker.provider.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.worker.action.CdnExtendTtl;
import io.baran.worker.action.CdnExtendTtlConformance;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code cdn.extend-ttl} through Cloud CDN, served by the stateful fake of Compute v1. A distribution of the
 * suite is a URL map: the default behaviour a backend service, {@code /api/*} a backend service with Cloud
 * CDN off, {@code /static/*} a backend bucket.
 */
class CloudCdnExtendTtlIT extends CdnExtendTtlConformance {

    @RegisterExtension
    static final GcpFixture fixture = new GcpFixture();

    private static final GoogleCloudFake fake = fixture.fake();
    private static Providers providers;
    private static int made;
    /** distribution -> behaviour path -> backend. */
    private static final Map<String, Map<String, CdnBackend>> DISTRIBUTIONS = new HashMap<>();

    @BeforeAll
    static void connect() {
        providers = fixture.connect();
    }

    @AfterEach
    void everyRequestHadTheDocumentedShape() {
        assertEquals(List.of(), fake.violations());
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return GcpFakes.PROVIDER;
    }

    @Override
    protected String unreachableProviderName() {
        return GcpFakes.UNREACHABLE;
    }

    @Override
    protected ControlPlane controlPlane() {
        return new ControlPlane("gcp/global", "compute", "Cloud CDN (Compute API)");
    }

    @Override
    protected boolean canServeStale() {
        return true;
    }

    @Override
    protected String newDistribution(CacheTtls behaviours) {
        int n = ++made;
        Map<String, CdnBackend> backends = new LinkedHashMap<>();
        Map<String, String> rules = new LinkedHashMap<>();
        for (BehaviourTtls b : behaviours.behaviours()) {
            String collection = b.path().contains("static") ? "backendBuckets" : "backendServices";
            String name =
                    (b.path().equals(BehaviourTtls.DEFAULT) ? "web" : b.path().replaceAll("[^a-z]", "")) + "-" + n;
            fake.compute.putBackend(
                    collection, name, b.cachesNothing() ? null : "CACHE_ALL_STATIC", b.defaultTtl(), b.max());
            backends.put(b.path(), new CdnBackend(collection, name));
            if (!b.path().equals(BehaviourTtls.DEFAULT)) {
                rules.put(b.path(), fake.compute.link(collection, name));
            }
        }
        CdnBackend web = backends.get(BehaviourTtls.DEFAULT);
        fake.compute.putUrlMap("shop-" + n, fake.compute.link(web.collection(), web.name()), rules);
        DISTRIBUTIONS.put("urlMaps/shop-" + n, backends);
        return "urlMaps/shop-" + n;
    }

    @Override
    protected CacheTtls readTtls(String distribution) {
        List<BehaviourTtls> list = new ArrayList<>();
        DISTRIBUTIONS
                .get(distribution)
                .forEach((path, backend) -> list.add(
                        CloudCdn.ttls(path, backend, fake.compute.backend(backend.collection(), backend.name()))));
        return new CacheTtls(list);
    }

    @Override
    protected void setTtls(String distribution, BehaviourTtls ttls) {
        CdnBackend backend = DISTRIBUTIONS.get(distribution).get(ttls.path());
        fake.compute.edit(
                backend.collection(),
                backend.name(),
                b -> ((ObjectNode) b.path("cdnPolicy"))
                        .put("defaultTtl", ttls.defaultTtl())
                        .put("maxTtl", ttls.max()));
    }

    private static StepCommand extend(String distribution) {
        return command(distribution, "24h");
    }

    private static StepCommand command(String distribution, String ttl) {
        return new StepCommand(
                "exec-1",
                "keep-serving",
                "cdn.extend-ttl",
                Map.of("provider", GcpFakes.PROVIDER, "distribution", distribution, "ttl", ttl));
    }

    @Test
    void onlyTheTtlsOfTheBackendChangeAndUndoPutsThemBack() {
        String id = newDistribution(BEFORE);
        ObjectNode before = fake.compute.backend("backendServices", "web-" + made);
        int patchesBefore = fake.compute.patches.size();
        StepPlan plan = new CdnExtendTtl(providers).plan(extend(id));

        new CdnExtendTtl(providers).apply(extend(id), plan);

        ObjectNode extended = fake.compute.backend("backendServices", "web-" + made);
        ObjectNode expected = before.deepCopy();
        ((ObjectNode) expected.path("cdnPolicy")).put("defaultTtl", 86400).put("maxTtl", 86400);
        expected.put("fingerprint", extended.path("fingerprint").asText());
        assertEquals(
                json(expected),
                json(extended),
                "only defaultTtl and maxTtl changed (and the fingerprint, as Compute does)");
        JsonNode patch = fake.compute.patches.get(patchesBefore);
        assertEquals(Set.of("cdnPolicy", "fingerprint"), names(patch));
        assertEquals(Set.of("defaultTtl", "maxTtl"), names(patch.path("cdnPolicy")));
        assertEquals(
                before.path("fingerprint").asText(),
                patch.path("fingerprint").asText(),
                "patched from the read it was built from");
        assertEquals(1, fake.compute.patches.size() - patchesBefore, "only the backend that changes is patched");

        new CdnExtendTtl(providers).undo(extend(id), plan);
        ObjectNode restored = fake.compute.backend("backendServices", "web-" + made);
        before.put("fingerprint", restored.path("fingerprint").asText());
        assertEquals(json(before), json(restored), "restored exactly");
    }

    @Test
    void aPatchRefusedForAStaleFingerprintIsReadAgainAndMadeWithTheNewOne() {
        String id = newDistribution(BEFORE);
        String web = "web-" + made;
        StepPlan plan = new CdnExtendTtl(providers).plan(extend(id));
        int patchesBefore = fake.compute.patches.size();
        fake.compute.beforeNextPatch =
                () -> fake.compute.edit("backendServices", web, b -> b.put("description", "renamed by hand"));

        assertTrue(new CdnExtendTtl(providers).apply(extend(id), plan).changed());

        assertEquals(
                2,
                fake.compute.patches.size() - patchesBefore,
                "the refused patch, then the one made from a fresh read");
        ObjectNode after = fake.compute.backend("backendServices", web);
        assertEquals("renamed by hand", after.path("description").asText(), "the change made meanwhile is kept");
        assertTrue(AFTER.sameAs(readTtls(id)), readTtls(id).describe());
    }

    @Test
    void aSingleBackendIsADistributionOfOneBehaviour() {
        fake.compute.putBackend("backendBuckets", "assets-single", "CACHE_ALL_STATIC", 600, 3600);
        String id = "backendBuckets/assets-single";
        StepPlan plan = new CdnExtendTtl(providers).plan(extend(id));
        assertEquals(
                "distribution " + id + " TTLs * default 600 -> 86400, max 3600 -> 86400"
                        + controlPlane().note(),
                plan.summary());

        new CdnExtendTtl(providers).apply(extend(id), plan);
        JsonNode policy =
                fake.compute.backend("backendBuckets", "assets-single").path("cdnPolicy");
        assertEquals(86400, policy.path("defaultTtl").asLong());
        assertEquals(86400, policy.path("maxTtl").asLong());

        new CdnExtendTtl(providers).undo(extend(id), plan);
        policy = fake.compute.backend("backendBuckets", "assets-single").path("cdnPolicy");
        assertEquals(600, policy.path("defaultTtl").asLong());
        assertEquals(3600, policy.path("maxTtl").asLong());
    }

    @Test
    void forceCacheAllHasOnlyADefaultTtlToRaise() {
        fake.compute.putBackend("backendServices", "forced", "FORCE_CACHE_ALL", 300, 0);
        StepPlan plan = new CdnExtendTtl(providers).plan(extend("backendServices/forced"));
        assertEquals(
                "* default 300 -> 86400, max 300 -> 86400",
                plan.summary()
                        .substring(
                                "distribution backendServices/forced TTLs ".length(),
                                plan.summary().indexOf(" [")));

        new CdnExtendTtl(providers).apply(extend("backendServices/forced"), plan);
        JsonNode policy = fake.compute.backend("backendServices", "forced").path("cdnPolicy");
        assertEquals(86400, policy.path("defaultTtl").asLong());
        assertFalse(policy.has("maxTtl"), "FORCE_CACHE_ALL takes no maxTtl");

        new CdnExtendTtl(providers).undo(extend("backendServices/forced"), plan);
        assertEquals(
                300,
                fake.compute
                        .backend("backendServices", "forced")
                        .path("cdnPolicy")
                        .path("defaultTtl")
                        .asLong());
    }

    private static StepCommand servingStale(String distribution, String ttl) {
        return new StepCommand(
                "exec-1",
                "keep-serving",
                "cdn.extend-ttl",
                Map.of("provider", GcpFakes.PROVIDER, "distribution", distribution, "ttl", ttl, "serveStale", true));
    }

    @Test
    void serveStaleServesExpiredObjectsForAsLongAsTheTtlAndUndoTurnsItBackOff() {
        String id = newDistribution(BEFORE);
        String web = "web-" + made;
        String bucket = "static-" + made;

        StepPlan plan = new CdnExtendTtl(providers).plan(servingStale(id, "24h"));
        assertTrue(
                plan.summary()
                        .startsWith(
                                "distribution " + id + " TTLs * default 300 -> 86400, max 3600 -> 86400, serve stale 0 "
                                        + "-> 86400; /static/* serve stale 0 -> 86400; left alone (cache nothing): /api/*"),
                plan.summary());

        assertTrue(
                new CdnExtendTtl(providers).apply(servingStale(id, "24h"), plan).changed());
        assertEquals(
                86400,
                fake.compute
                        .backend("backendServices", web)
                        .path("cdnPolicy")
                        .path("serveWhileStale")
                        .asLong());
        assertEquals(
                86400,
                fake.compute
                        .backend("backendBuckets", bucket)
                        .path("cdnPolicy")
                        .path("serveWhileStale")
                        .asLong());
        assertFalse(
                new CdnExtendTtl(providers).plan(servingStale(id, "24h")).changes(),
                "a second plan finds nothing to do");

        assertTrue(
                new CdnExtendTtl(providers).undo(servingStale(id, "24h"), plan).changed());
        assertEquals(
                0,
                fake.compute
                        .backend("backendServices", web)
                        .path("cdnPolicy")
                        .path("serveWhileStale")
                        .asLong());
        assertEquals(
                0,
                fake.compute
                        .backend("backendBuckets", bucket)
                        .path("cdnPolicy")
                        .path("serveWhileStale")
                        .asLong());
        assertTrue(BEFORE.sameAs(readTtls(id)));
    }

    @Test
    void serveStaleIsAtMostAWeekAndAnUnsetSettingCountsAsCloudCdnsDay() {
        fake.compute.putBackend("backendServices", "stale-unset", "CACHE_ALL_STATIC", 300, 3600);
        fake.compute.edit(
                "backendServices", "stale-unset", b -> ((ObjectNode) b.path("cdnPolicy")).remove("serveWhileStale"));
        String id = "backendServices/stale-unset";

        StepPlan plan = new CdnExtendTtl(providers).plan(servingStale(id, "30d"));
        assertTrue(plan.summary().contains("serve stale 86400 -> 604800"), plan.summary());
        new CdnExtendTtl(providers).apply(servingStale(id, "30d"), plan);
        assertEquals(
                604800,
                fake.compute
                        .backend("backendServices", "stale-unset")
                        .path("cdnPolicy")
                        .path("serveWhileStale")
                        .asLong());

        new CdnExtendTtl(providers).undo(servingStale(id, "30d"), plan);
        assertEquals(
                86400,
                fake.compute
                        .backend("backendServices", "stale-unset")
                        .path("cdnPolicy")
                        .path("serveWhileStale")
                        .asLong(),
                "restored as the day Cloud CDN served when it was unset");
    }

    @Test
    void withoutServeStaleTheSettingIsLeftAlone() {
        String id = newDistribution(BEFORE);

        new CdnExtendTtl(providers).apply(extend(id), new CdnExtendTtl(providers).plan(extend(id)));

        assertEquals(
                0,
                fake.compute
                        .backend("backendServices", "web-" + made)
                        .path("cdnPolicy")
                        .path("serveWhileStale")
                        .asLong());
    }

    @Test
    void aBareNameIsTheLoadBalancersUrlMap() {
        String id = newDistribution(BEFORE);
        String bare = id.substring("urlMaps/".length());

        StepPlan plan = new CdnExtendTtl(providers).plan(extend(bare));

        assertTrue(BEFORE.sameAs(CacheTtls.fromPlan(plan.observed(), "observed")));
        assertTrue(new CdnExtendTtl(providers).apply(extend(bare), plan).changed());
        assertTrue(AFTER.sameAs(readTtls(id)));
    }

    @Test
    void aBackendThatTakesItsTtlsFromTheOriginIsRefused() {
        fake.compute.putBackend("backendServices", "origin-headers", "USE_ORIGIN_HEADERS", 0, 0);

        ApplicationFailure failure =
                failure(() -> new CdnExtendTtl(providers).plan(extend("backendServices/origin-headers")));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("cache mode USE_ORIGIN_HEADERS"), failure.getOriginalMessage());
    }

    @Test
    void aRefusedPatchIsMappedAndChangesNothing() {
        String id = newDistribution(BEFORE);
        StepPlan plan = new CdnExtendTtl(providers).plan(extend(id));
        fake.failNext("PATCH", "/backendServices/web-" + made, 403, "forbidden");

        ApplicationFailure failure = failure(() -> new CdnExtendTtl(providers).apply(extend(id), plan));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("backendServices.patch on backendServices/web-" + made),
                failure.getOriginalMessage());
        assertTrue(BEFORE.sameAs(readTtls(id)));
    }

    /** Two behaviours that rise with a 24h extension, each on a backend of its own: the default and /static/*. */
    private static final CacheTtls TWO_RISING =
            new CacheTtls(List.of(DEFAULT, API, new BehaviourTtls("/static/*", 0, 600, 3600, null)));

    private static final CacheTtls TWO_RAISED = new CacheTtls(List.of(
            new BehaviourTtls(BehaviourTtls.DEFAULT, 0, 86400, 86400, null),
            API,
            new BehaviourTtls("/static/*", 0, 86400, 86400, null)));

    /** Applies a 24h extension whose second backend's patch fails (503) after the first one's went through. */
    private StepPlan applyFailingOnTheSecondBackend(String id) {
        StepPlan plan = new CdnExtendTtl(providers).plan(extend(id));
        fake.failNext("PATCH", "/backendBuckets/static-" + made, 503, "backendError");

        ApplicationFailure failure = failure(() -> new CdnExtendTtl(providers).apply(extend(id), plan));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType(), failure.getOriginalMessage());
        CacheTtls half = readTtls(id);
        assertTrue(half.find(BehaviourTtls.DEFAULT).sameTtls(TWO_RAISED.find(BehaviourTtls.DEFAULT)), half.describe());
        assertTrue(half.find("/static/*").sameTtls(TWO_RISING.find("/static/*")), half.describe());
        return plan;
    }

    @Test
    void aChangeThatFailedAfterItsFirstBackendIsFinishedByItsRetry() {
        String id = newDistribution(TWO_RISING);
        StepPlan plan = applyFailingOnTheSecondBackend(id);
        int webPatches = fake.count("PATCH", "/backendServices/web-" + made);

        StepOutcome retry = new CdnExtendTtl(providers).apply(extend(id), plan);

        assertTrue(retry.changed(), retry.summary());
        assertTrue(
                retry.summary()
                        .startsWith("distribution " + id + " TTLs /static/* default 600 -> 86400, max 3600 -> 86400 "
                                + "(the rest was so already"),
                retry.summary());
        assertTrue(TWO_RAISED.sameAs(readTtls(id)), readTtls(id).describe());
        assertEquals(
                webPatches, fake.count("PATCH", "/backendServices/web-" + made), "the raised backend is left alone");
        assertFalse(new CdnExtendTtl(providers).apply(extend(id), plan).changed(), "a further retry changes nothing");
    }

    @Test
    void aChangeThatFailedAfterItsFirstBackendIsPutBackByItsUndoUnlessABackendWasSetByHandToAThirdValue() {
        String id = newDistribution(TWO_RISING);
        StepPlan plan = applyFailingOnTheSecondBackend(id);
        BehaviourTtls staticAtStart = TWO_RISING.find("/static/*");
        setTtls(id, new BehaviourTtls("/static/*", 0, 1200, 7200, null));
        CacheTtls byHand = readTtls(id);

        ApplicationFailure retry = failure(() -> new CdnExtendTtl(providers).apply(extend(id), plan));
        ApplicationFailure undo = failure(() -> new CdnExtendTtl(providers).undo(extend(id), plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, retry.getType(), retry.getOriginalMessage());
        assertEquals(FailureTypes.PLAN_UNSAFE, undo.getType(), undo.getOriginalMessage());
        assertTrue(retry.getOriginalMessage().contains("changed by someone else"), retry.getOriginalMessage());
        assertTrue(
                byHand.sameAs(readTtls(id)),
                "nothing was overwritten: " + readTtls(id).describe());

        setTtls(id, staticAtStart);
        int staticPatches = fake.count("PATCH", "/backendBuckets/static-" + made);

        StepOutcome undone = new CdnExtendTtl(providers).undo(extend(id), plan);

        assertTrue(undone.changed(), undone.summary());
        assertTrue(
                undone.summary()
                        .startsWith("distribution " + id + " TTLs restored: * default 86400 -> 300, max 86400 -> 3600"),
                undone.summary());
        assertTrue(TWO_RISING.sameAs(readTtls(id)), readTtls(id).describe());
        assertEquals(
                staticPatches,
                fake.count("PATCH", "/backendBuckets/static-" + made),
                "the backend the change never reached is left alone");
        assertFalse(new CdnExtendTtl(providers).undo(extend(id), plan).changed(), "a second undo changes nothing");
    }

    /** As JSON compares: Jackson tells a long 300 from an int 300, the wire does not. */
    private static JsonNode json(JsonNode node) {
        try {
            return Answer.JSON.readTree(node.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anOperationThatEndsInErrorIsMappedLikeAFailedCall() {
        String id = newDistribution(BEFORE);
        StepPlan plan = new CdnExtendTtl(providers).plan(extend(id));
        fake.compute.failNextOperation = "QUOTA_EXCEEDED";

        ApplicationFailure failure = failure(() -> new CdnExtendTtl(providers).apply(extend(id), plan));

        assertEquals(FailureTypes.PROVIDER_THROTTLED, failure.getType(), failure.getOriginalMessage());
        assertTrue(
                failure.getOriginalMessage().contains("backendServices.patch (operation operation-"),
                failure.getOriginalMessage());
        assertTrue(BEFORE.sameAs(readTtls(id)));
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
