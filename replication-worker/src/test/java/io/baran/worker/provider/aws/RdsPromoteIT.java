package io.baran.worker.provider.aws;

import io.baran.testinfra.Ports;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.action.PromoteReplicaConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code database.promote-replica} through RDS {@code PromoteReadReplica}, served by moto (with its
 * promotion corrected to clear the replica's source, as RDS does). moto runs no database engine, so
 * "takes writes" means what RDS reports: an available instance that is not a replica.
 */
class RdsPromoteIT extends PromoteReplicaConformance {

    private static final String REGION = "eu-west-1";
    private static MotoWithRdsPromotion moto;
    private static RdsClient direct;
    private static Providers providers;
    private static int made;

    @BeforeAll
    static void startMoto() {
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "test"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "test"));
        moto = MotoWithRdsPromotion.start(WorkDirs.create("moto-rds"));
        direct = RdsClient.builder().region(Region.of(REGION)).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        providers = Providers.connect(List.of(
                        new ProviderSettings("aws-dr", "aws", REGION, Optional.of(URI.create(moto.endpoint())),
                                Map.of("promote-timeout", "10s")),
                        new ProviderSettings("aws-unreachable", "aws", REGION,
                                Optional.of(URI.create("http://127.0.0.1:" + Ports.free())))),
                ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE));
    }

    @AfterAll
    static void stopMoto() {
        if (providers != null) {
            providers.close();
        }
        if (direct != null) {
            direct.close();
        }
        if (moto != null) {
            moto.close();
        }
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
        return "aws-unreachable";
    }

    @Override
    protected boolean canFence() {
        return false;
    }

    @Override
    protected String newReplica() {
        int n = ++made;
        String source = "orders-src-" + n;
        direct.createDBInstance(b -> b.dbInstanceIdentifier(source).engine("postgres").dbInstanceClass("db.t3.micro")
                .masterUsername("orders").masterUserPassword("not-a-secret-1").allocatedStorage(20));
        direct.createDBInstanceReadReplica(b -> b.dbInstanceIdentifier("orders-" + n).sourceDBInstanceIdentifier(source));
        return "orders-" + n;
    }

    private DBInstance describe(String instance) {
        return direct.describeDBInstances(b -> b.dbInstanceIdentifier(instance)).dbInstances().get(0);
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
        return "available".equals(describe("orders-src-" + instance.substring("orders-".length())).dbInstanceStatus());
    }

    @Override
    protected ControlPlane controlPlane(String instance) {
        return new ControlPlane("aws/" + REGION, "rds", "RDS");
    }
}
