package io.baran.worker.provider;

import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;

import java.util.ArrayList;
import java.util.List;

/**
 * Writing one object with the lifecycle of every Baran change: plan (observe, compare checksums, change
 * nothing), apply (keep the object it replaces under a backup key, then write; a second apply changes
 * nothing), undo (put the replaced object back from the backup, or delete the object the write created).
 * The replaced content stays in the store, not in the plan: objects may be far larger than a workflow
 * history should hold.
 */
public final class ObjectWrite {

    /**
     * @param backupKey where apply keeps the object it replaces until undo puts it back
     */
    public record Plan(String bucket, String key, ObjectState observed, ObjectState desired, String backupKey) {

        public boolean changes() {
            return !observed.sameContentAs(desired);
        }

        /** e.g. {@code assets/canary.txt 12 bytes, sha256 0a1b… -> 14 bytes, sha256 9f8e…}. */
        public String describe() {
            return bucket + "/" + key + " " + observed.describe() + (changes() ? " -> " + desired.describe() : " already as wanted");
        }
    }

    private ObjectWrite() {
    }

    /** Observes the object; refuses bad names (InvalidInput) before any call. */
    public static Plan plan(ObjectStore store, String bucket, String key, byte[] content, String backupKey) {
        List<String> problems = new ArrayList<>(ObjectNames.problems(bucket, key));
        if (backupKey != null) {
            ObjectNames.problems(bucket, backupKey).stream().filter(p -> p.startsWith("key")).map(p -> "backup " + p)
                    .forEach(problems::add);
        }
        if (backupKey == null || backupKey.equals(key)) {
            problems.add("the backup key must differ from the key");
        }
        if (content == null) {
            problems.add("content is missing");
        }
        if (!problems.isEmpty()) {
            throw Failures.of(FailureTypes.INVALID_INPUT, "object store " + store.name() + ": " + String.join("; ", problems));
        }
        ObjectState observed = store.stat(bucket, key);
        ObjectState desired = new ObjectState(key, true, content.length, ObjectState.sha256Of(content), null);
        return new Plan(bucket, key, observed, desired, backupKey);
    }

    /** @return true when it wrote; false when the object already held the content */
    public static boolean apply(ObjectStore store, Plan plan, byte[] content) {
        if (content.length != plan.desired().size() || !ObjectState.sha256Of(content).equals(plan.desired().sha256())) {
            throw Failures.of(FailureTypes.INVALID_INPUT, "object store " + store.name() + ": the content given is not the content "
                    + "planned for " + plan.bucket() + "/" + plan.key());
        }
        ObjectState current = store.stat(plan.bucket(), plan.key());
        if (current.sameContentAs(plan.desired())) {
            return false;
        }
        requireUnchanged(store, plan, current, plan.observed(), "the plan observed");
        if (plan.observed().exists()) {
            store.copy(plan.bucket(), plan.key(), plan.backupKey());
        }
        store.write(plan.bucket(), plan.key(), content);
        return true;
    }

    /** @return true when it restored or deleted; false when the object was already as observed */
    public static boolean undo(ObjectStore store, Plan plan) {
        ObjectState current = store.stat(plan.bucket(), plan.key());
        if (current.sameContentAs(plan.observed())) {
            // An undo that stopped after restoring may have left the backup: it is not needed any more.
            store.delete(plan.bucket(), plan.backupKey());
            return false;
        }
        requireUnchanged(store, plan, current, plan.desired(), "the write set");
        if (plan.observed().exists()) {
            ObjectState backup = store.stat(plan.bucket(), plan.backupKey());
            if (!backup.sameContentAs(plan.observed())) {
                throw Failures.of(FailureTypes.PLAN_UNSAFE, "object store " + store.name() + ": the backup "
                        + plan.backupKey() + " of " + plan.key() + " is " + backup.describe() + ", not the replaced object "
                        + plan.observed().describe() + "; nothing restored");
            }
            store.copy(plan.bucket(), plan.backupKey(), plan.key());
            store.delete(plan.bucket(), plan.backupKey());
        } else {
            store.delete(plan.bucket(), plan.key());
        }
        return true;
    }

    private static void requireUnchanged(ObjectStore store, Plan plan, ObjectState current, ObjectState expected, String what) {
        if (!current.sameContentAs(expected)) {
            throw Failures.of(FailureTypes.PLAN_UNSAFE, "object store " + store.name() + ": " + plan.bucket() + "/" + plan.key()
                    + " is now " + current.describe() + ", but " + what + " " + expected.describe()
                    + ": it was changed by someone else since; Baran will not overwrite it");
        }
    }
}
