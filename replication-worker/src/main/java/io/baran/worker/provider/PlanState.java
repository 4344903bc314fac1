package io.baran.worker.provider;

/**
 * A state a plan records and an undo restores, that compares and describes itself: what apply and undo
 * need of it to change a resource only from the state they expect.
 *
 * @param <S> the state's own type
 */
public interface PlanState<S extends PlanState<S>> {

    /** Whether the other state is the same, as the provider compares it. */
    boolean sameAs(S other);

    /** The state in words, e.g. {@code primary 100, standby 0}. */
    String describe();

    /** What differs on the way to {@code then}, e.g. {@code primary 100 -> 0}. */
    String diff(S then);
}
