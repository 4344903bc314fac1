package io.baran.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The providers runbooks may name, by name: {@code baran.providers."aws-main".type=aws}. Secrets are never
 * configured here: AWS credentials come from the SDK's default chain, and a TSIG secret or a database
 * password from the environment variable a setting names. Settings a type does not read stop the worker
 * at start-up, so a typo does not pass silently.
 */
@ConfigMapping(prefix = "baran.providers")
public interface ProvidersConfig {

    /** Every configured provider, by the name runbooks use; none by default. */
    @WithParentName
    Map<String, Provider> all();

    interface Provider {
        /** The kind of provider: aws, gcp, azure, rfc2136, postgresql or filesystem. Required. */
        String type();

        /**
         * Narrows what runbooks may ask of this provider to some of its type's capabilities: dns, cdn,
         * database-replica, database-switchover, object-store (e.g. an AWS account Baran may only change Route 53 in). The
         * orchestrator reads the same key to refuse such runbooks at load. All of the type's when absent.
         */
        Optional<List<String>> capabilities();

        /** aws: the region of the provider's RDS instances and S3 buckets (Route 53 and CloudFront are global). */
        @WithDefault("us-east-1")
        String region();

        /**
         * aws: an endpoint override, e.g. moto at http://127.0.0.1:5000; gcp: one URI for all of Google's APIs (a test
         * fake), called without credentials; azure: an Azure Resource Manager emulator. Absent means the provider's own
         * endpoint.
         */
        Optional<URI> endpoint();

        /** rfc2136: the primary name server that takes updates, host[:port]; port 53 when absent. */
        Optional<String> server();

        /** rfc2136: the name of the TSIG key, as the name server knows it. */
        Optional<String> tsigKeyName();

        /** rfc2136: the TSIG algorithm; hmac-sha256 when absent. */
        Optional<String> tsigAlgorithm();

        /** rfc2136: the environment variable that holds the TSIG secret (base64), e.g. BARAN_TSIG_ONPREM. */
        Optional<String> tsigSecretEnv();

        /** rfc2136, postgresql: how long one call may take; 5s when absent. */
        Optional<Duration> timeout();

        /** aws, gcp, postgresql: how long a promotion may take; 30m for RDS and Cloud SQL, 60s for PostgreSQL when absent. */
        Optional<Duration> promoteTimeout();

        /** rfc2136, postgresql, filesystem: where the servers run, as a detector scope (e.g. onprem/dc1). */
        Optional<String> site();

        /** postgresql: the role Baran connects as (see the adapter's README for its grants). */
        Optional<String> user();

        /** postgresql: the environment variable that holds the role's password; no password when absent. */
        Optional<String> passwordEnv();

        /** postgresql: the database to connect to; postgres when absent. */
        Optional<String> database();

        /** postgresql: the JDBC sslmode; prefer when absent. */
        Optional<String> sslMode();

        /** postgresql: each standby runbooks may promote, by the name they use. */
        Map<String, Instance> instances();

        /** filesystem: the directory holding one directory per bucket. */
        Optional<String> root();

        /** gcp: the Google Cloud project id whose DNS zones, CDN backends and Cloud SQL instances Baran changes. Required. */
        Optional<String> project();

        /**
         * gcp: a Cloud Storage endpoint override (e.g. fake-gcs-server), called without credentials; azure: the storage
         * account's blob endpoint (e.g. Azurite's http://127.0.0.1:10000/devstoreaccount1). Absent: the provider's own.
         */
        Optional<String> storageEndpoint();

        /** azure: the storage account whose Blob Storage is the provider's object store; none when absent. */
        Optional<String> storageAccount();

        /** azure: the environment variable holding the storage account's key (Shared Key); required with storage-account. */
        Optional<String> storageAccountKeyEnv();

        /** azure: the subscription id holding the provider's resources. Required for azure. */
        Optional<String> subscription();

        /** azure: the resource group of its DNS zones, CDN profiles and (by default) database servers. Required for azure. */
        Optional<String> resourceGroup();

        /**
         * azure: with an {@code endpoint} override only (an emulator), the environment variable holding a fixed
         * bearer token; against Azure itself tokens come from DefaultAzureCredential only.
         */
        Optional<String> tokenEnv();

        /** azure: the CDN profile of distributions named by their endpoint alone; absent means they name their profile. */
        Optional<String> cdnProfile();

        /**
         * Every type: the provider account whose API budget the provider's calls draw from; the provider's name when
         * absent. Two providers of one account (or one account's providers in several worker replicas) set the same.
         */
        Optional<String> apiAccount();

        /**
         * The budget of each of the type's APIs, by API: aws route53 (5/s, burst 4) and cloudfront (2/s, burst 4), gcp dns
         * (5/s, burst 10), azure arm (10/s, burst 200); e.g. {@code api-budget.route53.rate=5}.
         */
        Map<String, ApiBudget> apiBudget();

        interface ApiBudget {
            /** Calls per second, sustained; the type's default when absent. */
            Optional<Double> rate();

            /** Calls at once after a quiet spell; the type's default when absent. */
            Optional<Integer> burst();
        }

        /** gcp: how long a Compute operation (a Cloud CDN backend patch) may take; azure: a CDN endpoint update; 10m when absent. */
        Optional<Duration> operationTimeout();
    }

    interface Instance {
        /** postgresql: the standby, host[:port] (port 5432 when absent). Required for postgresql. */
        Optional<String> standby();

        /** postgresql: the primary it streams from, host[:port]; without it the primary cannot be fenced. */
        Optional<String> primary();

        /** azure: sql-failover-group or postgresql-flexible. Required for azure. */
        Optional<String> kind();

        /** azure: the server holding the replica (a failover group's secondary server, or the flexible server replica). */
        Optional<String> server();

        /** azure: the failover group's name (kind sql-failover-group). */
        Optional<String> failoverGroup();

        /** azure: the server's resource group; the provider's resource-group when absent. */
        Optional<String> resourceGroup();

        /** azure, sql-failover-group: planned (the default: synchronised first, fenced) or forced-allow-data-loss. */
        Optional<String> failover();

        /** azure, postgresql-flexible: planned (the default: the replica catches up first) or forced. */
        Optional<String> promoteOption();

        /** azure: the server's Azure region, e.g. westeurope, for control-plane notes; global when absent. */
        Optional<String> location();
    }
}
