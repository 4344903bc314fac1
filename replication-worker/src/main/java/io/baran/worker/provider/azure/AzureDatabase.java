package io.baran.worker.provider.azure;

import io.baran.worker.Failures;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DatabaseProvider;
import io.baran.worker.provider.ReplicaState;
import io.baran.workflow.FailureTypes;
import java.util.Map;
import java.util.TreeMap;

/**
 * The database-replica capability of an Azure provider: each instance runbooks name is an Azure SQL
 * failover group ({@link SqlFailoverGroup}) or a PostgreSQL flexible server read replica
 * ({@link PostgresFlexibleReplica}), as configured by {@code instances."<name>".kind}.
 */
final class AzureDatabase implements DatabaseProvider {

    /** One replica as its kind of Azure database promotes it. */
    interface Instance {
        ControlPlane controlPlane();

        ReplicaState observe();

        void fence();

        void promote();

        /** {@link DatabaseProvider#settle}: a promotion still under way at Azure, waited for; null when none. */
        default String settle() {
            return null;
        }
    }

    private final String name;
    private final Map<String, Instance> instances;

    AzureDatabase(String name, Map<String, Instance> instances) {
        this.name = name;
        this.instances = new TreeMap<>(instances);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ControlPlane controlPlane(String instance) {
        Instance found = instances.get(instance);
        return found == null
                ? new ControlPlane("azure/global", "database", "Azure Resource Manager")
                : found.controlPlane();
    }

    @Override
    public ReplicaState observe(String instance) {
        return instance(instance).observe();
    }

    @Override
    public void fence(String instance) {
        instance(instance).fence();
    }

    /** Nothing to lift: an instance that can fence does it in the same operation as the promotion (see {@link SqlFailoverGroup}). */
    @Override
    public void unfence(String instance, ReplicaState observed) {
        instance(instance);
    }

    @Override
    public void promote(String instance) {
        instance(instance).promote();
    }

    @Override
    public String settle(String instance) {
        return instance(instance).settle();
    }

    private Instance instance(String instance) {
        Instance found = instances.get(instance);
        if (found == null) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    "provider " + name + " (Azure) has no instance " + instance + " configured (configured: "
                            + String.join(", ", instances.keySet()) + ")");
        }
        return found;
    }
}
