package io.baran.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A call of the detector or the replication-worker that changes something, written to the audit trail by
 * {@link CallAudit}: a {@code requested} row before the resource method runs (nothing is done when it cannot be
 * written), then its outcome.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AuditedCall {

    /** The action as the trail names it, such as {@code replication.failover}. */
    String value();

    /**
     * The path or query parameters whose values name what the call acts on, joined with {@code /} in this order (a
     * parameter not sent is left out); a resource method that learns its target from the body names it with
     * {@link AuditedCallContext}.
     */
    String[] target() default {};
}
