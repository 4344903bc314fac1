package io.baran.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the audit trail exactly as stored: the text columns as PostgreSQL returns them ({@code groups} and
 * {@code detail} are the stored JSON text, hashed as they are, never re-serialised).
 *
 * @param groups   the actor's groups as stored: a JSON array
 * @param detail   a JSON object, or null
 * @param prevHash the hash of the row before (row 1: {@link AuditChain#GENESIS})
 * @param hash     this row's hash as stored, or null for a row not hashed yet
 */
public record ChainRow(
        long id,
        Instant at,
        String actor,
        String groups,
        String action,
        String target,
        String reason,
        String requestId,
        boolean breakGlass,
        String outcome,
        String detail,
        String prevHash,
        String hash) {

    public ChainRow {
        Objects.requireNonNull(at, "at");
    }

    /** The same row with its hash computed from its content. */
    public ChainRow hashed() {
        return new ChainRow(
                id,
                at,
                actor,
                groups,
                action,
                target,
                reason,
                requestId,
                breakGlass,
                outcome,
                detail,
                prevHash,
                AuditChain.hash(this));
    }
}
