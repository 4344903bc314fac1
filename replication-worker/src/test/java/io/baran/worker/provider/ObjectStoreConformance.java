package io.baran.worker.provider;

import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every object store must do, run against each implementation by a subclass that serves the bucket
 * {@value #BUCKET}. Writes go through {@link ObjectWrite}, the object-store form of plan, apply and undo.
 * Each test works under its own key prefix, named after the test.
 */
public abstract class ObjectStoreConformance {

    protected static final String BUCKET = "baran-assets";
    private static final byte[] V1 = "version one".getBytes(StandardCharsets.UTF_8);
    private static final byte[] V2 = "version two, longer".getBytes(StandardCharsets.UTF_8);

    protected abstract Providers providers();

    protected abstract String providerName();

    /** A configured store that cannot be reached. */
    protected abstract String unreachableProviderName();

    protected abstract ControlPlane controlPlane();

    /** Writes an object directly, as another program would. */
    protected abstract void putDirect(String key, byte[] content);

    /** Reads an object directly, or empty when absent. */
    protected abstract Optional<byte[]> readDirect(String key);

    private ObjectStore store;
    private String key;
    private String backup;
    private String prefix;

    @BeforeEach
    void nameTheObject(TestInfo test) {
        store = providers().objects(providerName());
        prefix = test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT) + "/";
        key = prefix + "canary.txt";
        backup = ".baran/replaced/exec-1/" + key;
    }

    @Test
    void theStoreSaysWhereItsApiIsServedFrom() {
        assertEquals(controlPlane(), store.controlPlane());
    }

    @Test
    void planChangesNothing() {
        putDirect(key, V1);

        ObjectWrite.Plan plan = ObjectWrite.plan(store, BUCKET, key, V2, backup);

        assertTrue(plan.changes());
        assertEquals(V1.length, plan.observed().size());
        assertEquals(ObjectState.sha256Of(V2), plan.desired().sha256());
        assertTrue(plan.describe().startsWith(BUCKET + "/" + key + " " + V1.length + " bytes"), plan.describe());
        assertArrayEquals(V1, readDirect(key).orElseThrow());
    }

    @Test
    void applyWritesWhatThePlanSaid() {
        putDirect(key, V1);
        ObjectWrite.Plan plan = ObjectWrite.plan(store, BUCKET, key, V2, backup);

        assertTrue(ObjectWrite.apply(store, plan, V2));

        assertArrayEquals(V2, readDirect(key).orElseThrow());
        ObjectState written = store.stat(BUCKET, key);
        assertEquals(ObjectState.sha256Of(V2), written.sha256(), "objects Baran writes carry their checksum");
        assertEquals(V2.length, written.size());
    }

    @Test
    void secondApplyChangesNothing() {
        putDirect(key, V1);
        ObjectWrite.Plan plan = ObjectWrite.plan(store, BUCKET, key, V2, backup);
        assertTrue(ObjectWrite.apply(store, plan, V2));

        assertFalse(ObjectWrite.apply(store, plan, V2));
        assertFalse(ObjectWrite.plan(store, BUCKET, key, V2, backup).changes(), "a new plan sees nothing left to do");
    }

    @Test
    void undoRestoresTheReplacedObjectExactly() {
        putDirect(key, V1);
        ObjectWrite.Plan plan = ObjectWrite.plan(store, BUCKET, key, V2, backup);
        ObjectWrite.apply(store, plan, V2);
        assertArrayEquals(V1, readDirect(backup).orElseThrow(), "apply kept what it replaced");

        assertTrue(ObjectWrite.undo(store, plan));

        assertArrayEquals(V1, readDirect(key).orElseThrow());
        assertTrue(readDirect(backup).isEmpty(), "the backup is gone once restored");
        assertFalse(ObjectWrite.undo(store, plan), "a second undo finds nothing to restore");
    }

    @Test
    void undoOfACreatedObjectDeletesIt() {
        ObjectWrite.Plan plan = ObjectWrite.plan(store, BUCKET, key, V2, backup);
        assertFalse(plan.observed().exists());

        assertTrue(ObjectWrite.apply(store, plan, V2));
        assertTrue(ObjectWrite.undo(store, plan));

        assertTrue(readDirect(key).isEmpty());
        assertEquals(ObjectState.absent(key), store.stat(BUCKET, key));
    }

    @Test
    void applyRefusesWhenTheObjectChangedSinceThePlan() {
        putDirect(key, V1);
        ObjectWrite.Plan plan = ObjectWrite.plan(store, BUCKET, key, V2, backup);
        byte[] byHand = "written by someone else".getBytes(StandardCharsets.UTF_8);
        putDirect(key, byHand);

        ApplicationFailure failure = failure(() -> ObjectWrite.apply(store, plan, V2));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertArrayEquals(byHand, readDirect(key).orElseThrow());
    }

    @Test
    void listShowsTheObjectsUnderAPrefixInKeyOrder() {
        store.write(BUCKET, prefix + "b/2.txt", V2);
        store.write(BUCKET, prefix + "a/1.txt", V1);
        store.write(BUCKET, prefix + "c.txt", V1);

        List<ObjectState> listed = store.list(BUCKET, prefix + "a/");
        List<ObjectState> all = store.list(BUCKET, prefix);

        assertEquals(List.of(prefix + "a/1.txt"), listed.stream().map(ObjectState::key).toList());
        assertEquals(List.of(prefix + "a/1.txt", prefix + "b/2.txt", prefix + "c.txt"), all.stream().map(ObjectState::key).toList());
        assertEquals(List.of((long) V1.length, (long) V2.length, (long) V1.length), all.stream().map(ObjectState::size).toList());
    }

    @Test
    void aCopyKeepsContentAndChecksum() {
        store.write(BUCKET, key, V1);

        store.copy(BUCKET, key, prefix + "copy.txt");

        assertArrayEquals(V1, store.read(BUCKET, prefix + "copy.txt"));
        assertEquals(ObjectState.sha256Of(V1), store.stat(BUCKET, prefix + "copy.txt").sha256());
    }

    @Test
    void aMissingBucketIsRejected() {
        ApplicationFailure failure = failure(() -> store.stat("no-such-bucket", key));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("no-such-bucket"), failure.getOriginalMessage());
    }

    @Test
    void badInputIsRefusedBeforeAnyCall() {
        ObjectStore unreachable = providers().objects(unreachableProviderName());

        ApplicationFailure failure = failure(() -> ObjectWrite.plan(unreachable, "Bad_Bucket", "../../etc/passwd", V1, "x"));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        String message = failure.getOriginalMessage();
        assertTrue(message.contains("bucket \"Bad_Bucket\" is not a bucket name"), message);
        assertTrue(message.contains("holds a \"..\" segment"), message);
        assertEquals(FailureTypes.INVALID_INPUT, failure(() -> unreachable.write(BUCKET, "a//b", V1)).getType());
        assertEquals(FailureTypes.INVALID_INPUT, failure(() -> ObjectWrite.plan(unreachable, BUCKET, key, V1, key)).getType());
    }

    @Test
    void anUnreachableStoreIsWorthRetrying() {
        ApplicationFailure failure = failure(() -> providers().objects(unreachableProviderName()).stat(BUCKET, key));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType());
        assertFalse(failure.isNonRetryable());
    }

    protected static ApplicationFailure failure(Executable call) {
        return assertThrows(ApplicationFailure.class, call);
    }
}
