package io.baran.orchestrator.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The audit action ({@link io.baran.orchestrator.audit.AuditActions}) an endpoint asks for. A call of it that is
 * refused before {@link Audited#run} records anything (no role, bad input, no such runbook or execution) is still
 * recorded as refused, by {@link RefusalAudit}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AuditedAs {

    String value();
}
