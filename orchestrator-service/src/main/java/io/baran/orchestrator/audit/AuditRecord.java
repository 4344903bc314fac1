package io.baran.orchestrator.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored row of the audit trail.
 *
 * @param id       its place in the chain: 1, 2, 3... without gaps
 * @param at       when it was written, by the database's clock (microseconds)
 * @param prevHash the hash of row {@code id - 1} (64 zeros for row 1)
 * @param hash     SHA-256 over this row and {@code prevHash} (libs/audit-chain's AuditChain)
 */
public record AuditRecord(
        long id,
        Instant at,
        String actor,
        List<String> groups,
        String action,
        String target,
        String reason,
        String requestId,
        boolean breakGlass,
        String outcome,
        Map<String, Object> detail,
        String prevHash,
        String hash) {}
