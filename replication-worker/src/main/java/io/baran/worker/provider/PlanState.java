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

    /**
     * Whether this state lies part of the way from {@code from} to {@code to}, neither one nor the other: a change the
     * provider makes part by part (a Cloud CDN distribution's backends, one patch each) that stopped midway, every part
     * still as in {@code from} or already as in {@code to}. Such a change can be finished, or put back, part by part;
     * a part found otherwise was changed by someone else. False by default: a state changed in one call has no parts.
     */
    default boolean partway(S from, S to) {
        return false;
    }
}
