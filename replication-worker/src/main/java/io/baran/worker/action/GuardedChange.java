package io.baran.worker.action;

import io.baran.worker.provider.PlanState;
import io.baran.workflow.StepOutcome;

/**
 * Observe, compare, change: the shape shared by apply and undo of every action that records what it
 * replaces. The resource is changed only when it is exactly in the state the change starts from, or {@link #partway}
 * from it to the target (a change made part by part that stopped midway: the change then finishes it, or the undo
 * puts back the parts it made); one already in the target state is left alone (a second apply changes nothing); any
 * other state was made by someone else since the plan, and is refused (PlanUnsafe, from {@link #changedByHand})
 * rather than overwritten.
 *
 * @param <S> the state the plan records, e.g. a record set or a distribution's TTLs
 */
abstract class GuardedChange<S> {

    /** What is changed, as summaries start, e.g. {@code www.example.com. CNAME}. */
    protected abstract String label();

    protected abstract S observe();

    protected abstract boolean same(S a, S b);

    protected abstract String describe(S state);

    /** Moves the resource from {@code from} to {@code to}; the provider may check {@code from} again itself. */
    protected abstract void replace(S from, S to);

    /** The failure for a resource found in neither state; {@code expected} says what the step expected. */
    protected abstract RuntimeException changedByHand(S current, String expected);

    /**
     * When the change itself observes and compares at the provider, just before it is made (observe → already done? →
     * planned start state? → replace, as {@link #apply} does), the step leaves all of it to the change: returns whether
     * it changed the resource, and throws what {@link #changedByHand} would. Null (the default) when it does not.
     */
    protected Boolean replaceIfStill(S from, S to) {
        return null;
    }

    /**
     * Whether {@code current}, neither {@code from} nor {@code to}, is part of the way from one to the other, each part
     * as in one or the other, so that {@link #replace} can finish the move part by part. False by default.
     */
    protected boolean partway(S current, S from, S to) {
        return false;
    }

    /** How a change reads in a summary; by default {@code before -> after}. */
    protected String change(S from, S to) {
        return describe(from) + " -> " + describe(to);
    }

    /** Moves the resource from the state the plan observed to the one it wants. */
    final StepOutcome apply(String step, S observed, S desired) {
        return move(
                step,
                observed,
                desired,
                "",
                "the plan observed " + describe(observed) + " and wants " + describe(desired));
    }

    /** Puts back the state the plan observed, if the resource is still as the step left it. */
    final StepOutcome undo(String step, S observed, S desired) {
        return move(
                step,
                desired,
                observed,
                "restored: ",
                "the step set " + describe(desired) + " and would restore " + describe(observed));
    }

    private StepOutcome move(String step, S from, S to, String done, String expected) {
        Boolean changed = replaceIfStill(from, to);
        if (changed != null) {
            return changed
                    ? new StepOutcome(step, true, label() + " " + done + change(from, to))
                    : new StepOutcome(step, false, label() + " already " + describe(to));
        }
        S current = observe();
        if (same(current, to)) {
            return new StepOutcome(step, false, label() + " already " + describe(to));
        }
        if (same(current, from)) {
            replace(from, to);
            return new StepOutcome(step, true, label() + " " + done + change(from, to));
        }
        if (!partway(current, from, to)) {
            throw changedByHand(current, expected);
        }
        replace(from, to);
        return new StepOutcome(
                step,
                true,
                label() + " " + done + change(current, to)
                        + " (the rest was so already: a change made in part before)");
    }

    /** For a state that compares, describes and diffs itself: summaries show only what differs. */
    abstract static class OfPlanState<S extends PlanState<S>> extends GuardedChange<S> {

        @Override
        protected final boolean same(S a, S b) {
            return a.sameAs(b);
        }

        @Override
        protected final String describe(S state) {
            return state.describe();
        }

        @Override
        protected final String change(S from, S to) {
            return from.diff(to);
        }

        @Override
        protected final boolean partway(S current, S from, S to) {
            return current.partway(from, to);
        }
    }
}
