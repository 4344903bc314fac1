package io.baran.worker.action;

import io.baran.worker.provider.DnsProvider;
import io.baran.worker.provider.DnsZone;
import io.baran.workflow.StepCheck;
import io.temporal.failure.ApplicationFailure;
import java.util.List;

/**
 * The record-set quota of the zone a DNS step changes, for readiness: as the provider's API reports it, nothing for a
 * provider whose API reports none, or named as not checked when the API does not answer (a permission missing, an
 * emulator without the call): a quota that cannot be read never makes the step fail its check.
 */
final class RecordSetQuotas {

    private RecordSetQuotas() {}

    static List<StepCheck.Quota> of(DnsProvider dns, DnsZone zone, long needs) {
        try {
            return dns.recordSetQuota(zone).map(q -> StepCheck.Quota.of(q.what(), q.used(), q.limit(), needs)).stream()
                    .toList();
        } catch (ApplicationFailure e) {
            return List.of(notChecked(dns, zone, needs, e.getOriginalMessage()));
        } catch (RuntimeException e) {
            return List.of(notChecked(
                    dns,
                    zone,
                    needs,
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        }
    }

    private static StepCheck.Quota notChecked(DnsProvider dns, DnsZone zone, long needs, String why) {
        return StepCheck.Quota.notChecked(
                "record sets in zone " + zone.name() + " of provider " + dns.name(), needs, why);
    }
}
