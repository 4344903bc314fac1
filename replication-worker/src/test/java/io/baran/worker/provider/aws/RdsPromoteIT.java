package io.baran.worker.provider.aws;

import io.baran.worker.action.PromoteReplicaConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * {@code database.promote-replica} through RDS {@code PromoteReadReplica}, served by moto (with its
 * promotion corrected to clear the replica's source, as RDS does). moto runs no database engine, so
 * "takes writes" means what RDS reports: an available instance that is not a replica.
 */
class RdsPromoteIT extends PromoteReplicaConformance {

    private static final String REGION = "eu-west-1";

    @RegisterExtension
    static final MotoFixture moto = MotoFixture.startWithRdsPromotion("moto-rds");

    private static RdsClient direct;
    private static Providers providers;
    private static Providers hasty;
    private static int made;

    @BeforeAll
    static void connect() {
        direct = moto.client(RdsClient.builder(), Region.of(REGION));
        providers = moto.providers(REGION, moto.provider("aws-dr", REGION, Map.of("promote-timeout", "10s")));
        // moto promotes a "slow-" replica over 4 s (moto_rds_promote_as_aws.py): longer than these wait.
        hasty = moto.providers(REGION, moto.provider("aws-dr", REGION, Map.of("promote-timeout", "1s")));
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return "aws-dr";
    }

    @Override
    protected String unreachableProviderName() {
        return MotoFixture.UNREACHABLE;
    }

    @Override
    protected boolean canFence() {
        return false;
    }

    @Override
    protected Providers hastyProviders() {
        return hasty;
    }

    @Override
    protected String newReplica() {
        return newReplica("orders-");
    }

    @Override
    protected String newReplicaPromotedSlowly() {
        return newReplica("slow-orders-");
    }

    private String newReplica(String prefix) {
        int n = ++made;
        String source = "orders-src-" + n;
        direct.createDBInstance(b -> b.dbInstanceIdentifier(source)
                .engine("postgres")
                .dbInstanceClass("db.t3.micro")
                .masterUsername("orders")
                .masterUserPassword("not-a-secret-1")
                .allocatedStorage(20));
        direct.createDBInstanceReadReplica(
                b -> b.dbInstanceIdentifier(prefix + n).sourceDBInstanceIdentifier(source));
        return prefix + n;
    }

    private DBInstance describe(String instance) {
        return direct.describeDBInstances(b -> b.dbInstanceIdentifier(instance))
                .dbInstances()
                .get(0);
    }

    @Override
    protected boolean isReplica(String instance) {
        String source = describe(instance).readReplicaSourceDBInstanceIdentifier();
        return source != null && !source.isEmpty();
    }

    @Override
    protected boolean takesWrites(String instance) {
        return !isReplica(instance) && "available".equals(describe(instance).dbInstanceStatus());
    }

    @Override
    protected boolean primaryTakesWrites(String instance) {
        // RDS cannot fence: the source stays a writable, available instance.
        return "available"
                .equals(describe("orders-src-" + instance.substring(instance.lastIndexOf('-') + 1))
                        .dbInstanceStatus());
    }

    @Override
    protected ControlPlane controlPlane(String instance) {
        return new ControlPlane("aws/" + REGION, "rds", "RDS");
    }
}
