package io.baran.detector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of detector-service, under {@code baran.detector}. Values are checked once more at start-up
 * by {@link TargetDefinitions#read} and {@link DetectorSettings#from}, which refuse the whole configuration with
 * every problem they find.
 */
@ConfigMapping(prefix = "baran.detector")
public interface DetectorConfig {

    /** Id of this detector instance; it names the vantage point in every event it publishes. */
    @WithDefault("local")
    String vantage();

    /** What this detector probes, keyed by target name: {@code baran.detector.targets."<name>".url} and so on. None is allowed. */
    Map<String, Target> targets();

    /**
     * Folder where targets added through the REST API are kept ({@code targets.json}); created on the first such
     * change. Targets from this configuration are never written there.
     */
    @WithDefault("data")
    String dataDir();

    /**
     * Share of a scope's targets that must be DOWN for this vantage to see the scope DOWN, above 0 and at most 1.
     * 1 means every target: one answering endpoint is enough to serve.
     */
    @WithDefault("1.0")
    double scopeDownRatio();

    /** Holding down targets that flap. */
    Damping damping();

    /** Recognising that this vantage, not the targets, lost its network. */
    Isolation isolation();

    /** Vantage verdicts on Kafka and the quorum that turns them into outage events. */
    Quorum quorum();

    /** What canary targets (s3, gs, az) may name, whether they come from this configuration or the REST API. */
    Canary canary();

    /** The allow-list of canary targets ({@link CanaryAllowList}); both lists empty, the default, refuse every canary. */
    interface Canary {
        /**
         * Buckets (s3, gs) and Blob Storage containers (az) a canary target may read and write, e.g.
         * {@code baran-canary-us-east-1,baran-canary}. Empty: no canary target is accepted.
         */
        Optional<List<String>> allowedBuckets();

        /**
         * Environment variables an az target's {@code account-key-env} may name, e.g. {@code BARAN_CANARY_AZURE_KEY}.
         * Empty: no az target is accepted.
         */
        Optional<List<String>> allowedCredentials();

        /**
         * Hosts ({@code minio.internal}: any port) or {@code host:port} a canary's {@code endpoint} override may name,
         * e.g. an S3-compatible store or an emulator ({@code 127.0.0.1}); the override receives requests signed with
         * the detector's credentials. Empty: no canary may override its endpoint.
         */
        Optional<List<String>> allowedEndpoints();
    }

    /** One probed endpoint; its kind follows from the scheme of its URL. */
    interface Target {
        /**
         * What is probed: {@code http(s)://host:port/path} (GET; credentials in the user-info part are sent as HTTP
         * basic authentication and never appear in logs, events or the REST API), {@code tcp://host:port} (connect),
         * {@code dns://resolver:port/name?type=A} (a query to that resolver; type A, AAAA, CNAME or TXT), or a
         * provider canary, a small object read (and written first when {@code write} is set) through the provider's
         * own API: {@code s3://bucket/key} (S3), {@code gs://bucket/object} (Cloud Storage) or
         * {@code az://container/blob} (Blob Storage, with {@code account} and {@code account-key-env}).
         */
        String url();

        /**
         * What the target stands for, e.g. {@code aws/us-east-1/s3} or {@code local/demo/web}: one to eight segments of
         * letters, digits, '.', '_' or '-' separated by '/'. Outages are per scope.
         */
        String scope();

        /** Time between the starts of two probes (at least 100ms); a probe never overlaps the previous one. */
        @WithDefault("1s")
        Duration interval();

        /** How long a probe may take, connection included, before it counts as failed. */
        @WithDefault("2s")
        Duration timeout();

        /** Consecutive failed probes that make the target DOWN. */
        @WithDefault("3")
        int failureThreshold();

        /** Consecutive passed probes that make the target UP. */
        @WithDefault("3")
        int successThreshold();

        /**
         * http(s): the statuses a healthy target answers, e.g. {@code 200} or {@code 200,204}; any other status fails
         * the probe. Redirects are not followed.
         */
        @WithDefault("200")
        List<Integer> expectStatus();

        /** http(s): a regular expression the response body must contain; none by default. */
        Optional<String> bodyMatch();

        /** A probe that passes but takes longer than this fails: the latency ceiling. None by default. */
        Optional<Duration> maxLatency();

        /**
         * https: the server's certificate must stay valid at least this long (e.g. 14d); checked with its own TLS
         * handshake. An untrusted or expired certificate fails every https probe whether or not this is set.
         */
        Optional<Duration> tlsMinValidity();

        /** https: a PEM file of the CA certificates to trust instead of the JVM's, e.g. for a private CA. */
        Optional<String> caFile();

        /**
         * dns: the answers the name must resolve to (every one must be among the answers, in any order), e.g.
         * {@code 192.0.2.10} or {@code primary.example.com}; none means any answer passes. s3: the content the canary
         * object must hold.
         */
        Optional<List<String>> expect();

        /**
         * s3, gs, az: the API endpoint, e.g. {@code http://127.0.0.1:5000} for moto, {@code http://127.0.0.1:4443} for
         * fake-gcs-server (then no credentials are sent), {@code http://127.0.0.1:10000/devstoreaccount1} for Azurite;
         * the provider's own by default.
         */
        Optional<String> endpoint();

        /** s3: the region of the bucket. */
        @WithDefault("us-east-1")
        String region();

        /** s3, gs, az: write the canary object (current time as content) before reading it back, exercising the write path too. */
        @WithDefault("false")
        boolean write();

        /** az: the storage account. */
        Optional<String> account();

        /** az: the NAME of the environment variable holding the account key (never the key itself). */
        Optional<String> accountKeyEnv();
    }

    /**
     * Flap damping after the manner of BGP route damping: each UP/DOWN change of a target adds {@code penalty}, the
     * penalty halves every {@code half-life}, and while it is above {@code suppress-above} the target is held DOWN
     * until it decays below {@code reuse-below}.
     */
    interface Damping {
        /** Whether flapping targets are held down at all. */
        @WithDefault("true")
        boolean enabled();

        /** Added on every change between UP and DOWN. */
        @WithDefault("1000")
        double penalty();

        /** Above this the target is held DOWN. The default lets one outage and its recovery through undamped. */
        @WithDefault("2000")
        double suppressAbove();

        /** A held target is released once its penalty decays below this. */
        @WithDefault("750")
        double reuseBelow();

        /** Time for the penalty to halve. */
        @WithDefault("60s")
        Duration halfLife();
    }

    /** How a vantage tells its own network failing from the targets failing. */
    interface Isolation {
        /**
         * When true, a vantage that probes targets in more than one scope votes DOWN for a scope only once some
         * target outside that scope passed a probe after the scope's targets started failing, and abstains
         * (verdict UNKNOWN, isolated) while every one of its targets is DOWN.
         */
        @WithDefault("true")
        boolean enabled();
    }

    /** Vantage verdicts and the quorum across vantages. */
    interface Quorum {
        /** Whether this instance aggregates verdicts into outage events (it always publishes its own verdicts). */
        @WithDefault("true")
        boolean aggregate();

        /** Fewest agreeing live vantages for a decision, whatever the ratio says. */
        @WithDefault("1")
        int minVotes();

        /**
         * A decision needs more than this share of the live vantages to agree, at least 0.5 and below 1: 0.5 is a
         * strict majority. Live vantages that abstain count in the total, so they make a decision harder, never easier.
         */
        @WithDefault("0.5")
        double ratio();

        /** How often each vantage repeats its verdict on every scope it watches, changes being sent at once. */
        @WithDefault("1s")
        Duration heartbeat();

        /** A vantage whose last verdict on a scope is older than this is not live for that scope: it counts as unknown. */
        @WithDefault("5s")
        Duration vantageExpiry();

        /** Topic of vantage verdicts, keyed by scope; its partitions spread the scopes over the aggregators. */
        @WithDefault("baran.vantage-verdicts")
        String verdictsTopic();

        /** Compacted topic of each scope's decision, keyed by scope: what an aggregator resumes from after a restart. */
        @WithDefault("baran.detector-decisions")
        String decisionsTopic();

        /** Topic the outage events go to. */
        @WithDefault("baran.health-events")
        String healthTopic();

        /** Kafka consumer group of the aggregators; each owns the scopes of its partitions. */
        @WithDefault("baran-detector-aggregators")
        String group();

        /**
         * How long {@code POST /api/simulations} waits for the aggregator that owns the scope to start the drill. A
         * drill not started by then never starts, and the call answers 503: the request carries this window, and the
         * aggregator starts it only within the window of when the broker took the request, judged on the broker's
         * clock (so clocks apart do not matter).
         */
        @WithDefault("10s")
        Duration simulationStartWithin();

        /** Partitions of the verdicts and decisions topics when this detector creates them. */
        @WithDefault("6")
        int partitions();

        /** Replication factor of those topics when this detector creates them. */
        @WithDefault("1")
        short replicationFactor();
    }
}
