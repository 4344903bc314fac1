package io.baran.testinfra;

/** The runbooks of the mass-failover benches: one service and one CNAME each, one {@code dns.switch} step. */
public final class BenchRunbooks {

    private BenchRunbooks() {}

    /**
     * Runbook {@code svc<i>}: triggered by an outage of {@code scope}, it switches {@code svc<i>} in {@code zone} (on
     * provider {@code aws-test}) to {@code standby<i>.example.net}, and fails back without approval.
     */
    public static String dnsSwitch(int i, String scope, String zone) {
        return """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: svc%1$d
                spec:
                  protects: svc%1$d
                  access:
                    drill: [drill-operator]
                    failover: [failover-operator]
                    approve: [approver]
                  trigger:
                    outage: { scope: %2$s }
                  failover:
                    - name: move-traffic
                      action: dns.switch
                      with: { provider: aws-test, zone: %3$s, record: svc%1$d, type: CNAME, to: standby%1$d.example.net, ttl: 60 }
                  failback:
                    approval: none
                """.formatted(i, scope, zone);
    }
}
