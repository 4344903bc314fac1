package io.baran.detector.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.baran.detector.probe.ProbeUrl;
import io.baran.egress.EgressPolicy;
import io.baran.egress.Rule;
import io.quarkus.runtime.configuration.DurationConverter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Turns configured or submitted targets into {@link TargetDefinition}s, or refuses them with every problem found,
 * each naming the field to fix. A detector that silently skipped a misconfigured target would report a service
 * as watched when nothing watches it.
 */
public final class TargetDefinitions {

    /** Probing faster than this tells nothing new and loads the target. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    /** Segments of letters, digits, '.', '_', '-', separated by '/': {@code aws/us-east-1/s3}, {@code storefront}. */
    public static final java.util.regex.Pattern SCOPE = io.baran.events.OutageEvent.SCOPE;

    /**
     * What is refused where no policy is given (unit tests, tools): metadata and link-local addresses. The detector
     * itself passes its configured policy ({@code baran.egress.allow}), which refuses every internal address.
     */
    public static final EgressPolicy ALWAYS_REFUSED = EgressPolicy.refusing(EnumSet.of(Rule.METADATA, Rule.LINK_LOCAL));

    private static final java.util.regex.Pattern ENV_NAME =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");

    private static final java.util.regex.Pattern ADDRESS =
            java.util.regex.Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** A target name: what the REST API takes in its path. */
    public static final java.util.regex.Pattern NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private TargetDefinitions() {}

    /**
     * @return the configured targets sorted by name
     * @throws InvalidConfigException listing every problem, one per line
     */
    public static List<TargetDefinition> read(Map<String, DetectorConfig.Target> targets) {
        return read(targets, ALWAYS_REFUSED);
    }

    /**
     * @param egress where targets may point
     * @return the configured targets sorted by name
     * @throws InvalidConfigException listing every problem, one per line
     */
    public static List<TargetDefinition> read(Map<String, DetectorConfig.Target> targets, EgressPolicy egress) {
        return read(targets, egress, CanaryAllowList.NONE);
    }

    /**
     * @param egress   where targets may point
     * @param canaries what canary targets may name
     * @return the configured targets sorted by name
     * @throws InvalidConfigException listing every problem, one per line
     */
    public static List<TargetDefinition> read(
            Map<String, DetectorConfig.Target> targets, EgressPolicy egress, CanaryAllowList canaries) {
        List<String> problems = new ArrayList<>();
        List<TargetDefinition> definitions = new ArrayList<>();
        new TreeMap<>(targets).forEach((name, target) -> {
            Result result = define(
                    name,
                    TargetSpec.of(target),
                    TargetDefinition.Origin.CONFIG,
                    field -> property(name, field),
                    System::getenv,
                    egress,
                    canaries);
            result.definition().ifPresent(definitions::add);
            result.problems().forEach(p -> problems.add(p.field() + ": " + p.message()));
        });
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return List.copyOf(definitions);
    }

    /** The outcome of checking one target: a definition, or the problems that prevent it. */
    public record Result(Optional<TargetDefinition> definition, List<Problem> problems) {}

    /** One thing wrong with one field. */
    public record Problem(String field, String message) {}

    /**
     * Checks one target.
     *
     * @param fieldName turns a field's configuration name ({@code failure-threshold}) into what the caller calls it
     */
    public static Result define(
            String name, TargetSpec spec, TargetDefinition.Origin origin, UnaryOperator<String> fieldName) {
        return define(name, spec, origin, fieldName, System::getenv);
    }

    /**
     * Checks one target.
     *
     * @param environment the process environment, where {@code account-key-env} must name a variable that is set
     */
    public static Result define(
            String name,
            TargetSpec spec,
            TargetDefinition.Origin origin,
            UnaryOperator<String> fieldName,
            Function<String, String> environment) {
        return define(name, spec, origin, fieldName, environment, ALWAYS_REFUSED);
    }

    /**
     * Checks one target.
     *
     * @param environment the process environment, where {@code account-key-env} must name a variable that is set
     * @param egress      where the target may point: a literal address (or metadata name) it refuses is a problem of
     *                    {@code url} (or {@code endpoint}); names are checked at each connection
     */
    public static Result define(
            String name,
            TargetSpec spec,
            TargetDefinition.Origin origin,
            UnaryOperator<String> fieldName,
            Function<String, String> environment,
            EgressPolicy egress) {
        return define(name, spec, origin, fieldName, environment, egress, CanaryAllowList.NONE);
    }

    /**
     * Checks one target.
     *
     * @param environment the process environment, where {@code account-key-env} must name a variable that is set
     * @param egress      where the target may point: a literal address (or metadata name) it refuses is a problem of
     *                    {@code url} (or {@code endpoint}); names are checked at each connection
     * @param canaries    the buckets, containers and credential variables a canary may name: others are problems of
     *                    {@code url} and {@code account-key-env}
     */
    public static Result define(
            String name,
            TargetSpec spec,
            TargetDefinition.Origin origin,
            UnaryOperator<String> fieldName,
            Function<String, String> environment,
            EgressPolicy egress,
            CanaryAllowList canaries) {
        List<Problem> problems = new ArrayList<>();
        Problems p = (field, message) -> problems.add(new Problem(fieldName.apply(field), message));

        ProbeEndpoint endpoint = null;
        try {
            endpoint = ProbeEndpoint.parse(
                    spec.url(),
                    Optional.ofNullable(spec.endpoint()),
                    spec.region() == null ? "us-east-1" : spec.region(),
                    spec.account(),
                    spec.accountKeyEnv());
        } catch (IllegalArgumentException e) {
            p.add("url", e.getMessage());
        }
        String scope = spec.scope() == null ? "" : spec.scope().strip();
        if (scope.isEmpty()) {
            p.add("scope", "must not be empty");
        } else if (!SCOPE.matcher(scope).matches()) {
            p.add(
                    "scope",
                    "\"" + scope + "\" is not a scope: use one to eight segments of letters, digits, '.', '_' or '-'"
                            + " separated by '/', e.g. aws/us-east-1/s3");
        }
        Duration interval = duration(spec.interval(), "1s", "interval", p);
        if (interval != null && interval.compareTo(MIN_INTERVAL) < 0) {
            p.add("interval", interval.toMillis() + "ms is below the minimum of " + MIN_INTERVAL.toMillis() + "ms");
        }
        Duration timeout = duration(spec.timeout(), "2s", "timeout", p);
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            p.add("timeout", "must be positive");
        }
        int failureThreshold = spec.failureThreshold() == null ? 3 : spec.failureThreshold();
        if (failureThreshold < 1) {
            p.add("failure-threshold", failureThreshold + " is below 1");
        }
        int successThreshold = spec.successThreshold() == null ? 3 : spec.successThreshold();
        if (successThreshold < 1) {
            p.add("success-threshold", successThreshold + " is below 1");
        }
        List<Integer> expectStatuses =
                spec.expectStatus() == null || spec.expectStatus().isEmpty()
                        ? List.of(200)
                        : spec.expectStatus().stream().distinct().toList();
        for (int status : expectStatuses) {
            if (status < 100 || status > 599) {
                p.add("expect-status", status + " is not an HTTP status (100-599)");
            }
        }
        int expectStatus = expectStatuses.get(0);
        Optional<Pattern> bodyMatch = Optional.empty();
        if (spec.bodyMatch() != null && !spec.bodyMatch().isEmpty()) {
            try {
                // RE2/J: linear in the body's length whatever the pattern, so a target cannot stall the probe loop.
                bodyMatch = Optional.of(Pattern.compile(spec.bodyMatch()));
            } catch (PatternSyntaxException e) {
                p.add("body-match", "is not a regular expression: " + e.getDescription());
            }
        }
        Optional<Duration> maxLatency = Optional.ofNullable(duration(spec.maxLatency(), null, "max-latency", p));
        if (maxLatency.isPresent()
                && (maxLatency.get().isZero() || maxLatency.get().isNegative())) {
            p.add("max-latency", "must be positive");
        }
        Optional<Duration> tlsMinValidity =
                Optional.ofNullable(duration(spec.tlsMinValidity(), null, "tls-min-validity", p));
        Optional<String> caFile = Optional.ofNullable(spec.caFile()).filter(f -> !f.isBlank());
        if (caFile.isPresent() && !Files.isReadable(Path.of(caFile.get()))) {
            p.add("ca-file", "\"" + caFile.get() + "\" is not a readable file");
        }
        List<String> expect = spec.expect() == null
                ? List.of()
                : spec.expect().stream()
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList();
        if (endpoint != null) {
            checkEgress(endpoint, egress, p);
            boolean https = endpoint instanceof ProbeEndpoint.Http h
                    && h.url().requested().startsWith("https:");
            if ((tlsMinValidity.isPresent() || caFile.isPresent()) && !https) {
                p.add(tlsMinValidity.isPresent() ? "tls-min-validity" : "ca-file", "applies to https targets only");
            }
            if (bodyMatch.isPresent() && !(endpoint instanceof ProbeEndpoint.Http)) {
                p.add("body-match", "applies to http and https targets only");
            }
            boolean canary = endpoint instanceof ProbeEndpoint.S3
                    || endpoint instanceof ProbeEndpoint.Gcs
                    || endpoint instanceof ProbeEndpoint.Azure;
            if (!expect.isEmpty() && !(endpoint instanceof ProbeEndpoint.Dns || canary)) {
                p.add("expect", "applies to dns, s3, gs and az targets only");
            }
            if (endpoint instanceof ProbeEndpoint.Dns dns && Set.of("A", "AAAA").contains(dns.type())) {
                expect.stream()
                        .filter(e -> !ADDRESS.matcher(e).matches())
                        .findFirst()
                        .ifPresent(e -> p.add(
                                "expect",
                                "\"" + e + "\" is not an IP address, which an " + dns.type() + " record holds"));
            }
            if (Boolean.TRUE.equals(spec.write()) && !canary) {
                p.add("write", "applies to s3, gs and az targets only");
            }
            checkCanaryAllowList(endpoint, canaries, p);
            if (endpoint instanceof ProbeEndpoint.Azure azure) {
                checkAzureAccount(azure, environment, canaries, p);
            } else {
                if (spec.account() != null) {
                    p.add("account", "applies to az targets only");
                }
                if (spec.accountKeyEnv() != null) {
                    p.add("account-key-env", "applies to az targets only");
                }
            }
        }
        if (!problems.isEmpty()) {
            return new Result(Optional.empty(), List.copyOf(problems));
        }
        ProbeUrl url = endpoint instanceof ProbeEndpoint.Http http ? http.url() : null;
        TargetDefinition.Checks checks = new TargetDefinition.Checks(
                bodyMatch,
                maxLatency,
                tlsMinValidity,
                caFile,
                expect,
                Boolean.TRUE.equals(spec.write()),
                Set.copyOf(expectStatuses));
        return new Result(
                Optional.of(new TargetDefinition(
                        name,
                        scope,
                        url,
                        interval,
                        timeout,
                        failureThreshold,
                        successThreshold,
                        expectStatus,
                        endpoint,
                        checks,
                        origin)),
                List.of());
    }

    /** The hosts a target connects to, as far as they can be judged without a lookup. */
    private static void checkEgress(ProbeEndpoint endpoint, EgressPolicy egress, Problems p) {
        String host = null;
        String field = "url";
        if (endpoint instanceof ProbeEndpoint.Http http) {
            host = URI.create(http.url().requested()).getHost();
        } else if (endpoint instanceof ProbeEndpoint.Tcp tcp) {
            host = tcp.host();
        } else if (endpoint instanceof ProbeEndpoint.Dns dns) {
            host = dns.host();
        } else {
            host = endpoint.sdkEndpoint().map(URI::getHost).orElse(null);
            field = "endpoint";
        }
        if (host != null) {
            String f = field;
            egress.checkWithoutLookup(host).ifPresent(refusal -> p.add(f, refusal.message()));
        }
    }

    /** A canary names only a bucket (or container) of the allow-list. */
    private static void checkCanaryAllowList(ProbeEndpoint endpoint, CanaryAllowList canaries, Problems p) {
        String bucket = endpoint instanceof ProbeEndpoint.S3 s3
                ? s3.bucket()
                : endpoint instanceof ProbeEndpoint.Gcs gcs
                        ? gcs.bucket()
                        : endpoint instanceof ProbeEndpoint.Azure azure ? azure.container() : null;
        if (bucket != null) {
            canaries.refuseBucket(endpoint.kind(), bucket).ifPresent(refusal -> p.add("url", refusal));
            endpoint.sdkEndpoint().flatMap(canaries::refuseEndpoint).ifPresent(refusal -> p.add("endpoint", refusal));
        }
    }

    /**
     * The account must be named, and its key must be in an environment variable that is set and allowed: never in the
     * target itself.
     */
    private static void checkAzureAccount(
            ProbeEndpoint.Azure azure, Function<String, String> environment, CanaryAllowList canaries, Problems p) {
        if (azure.account() == null || azure.account().isEmpty()) {
            p.add("account", "is required for an az target (the storage account, e.g. devstoreaccount1 on Azurite)");
        } else if (!ProbeEndpoint.Azure.ACCOUNT.matcher(azure.account()).matches()) {
            p.add(
                    "account",
                    "\"" + azure.account() + "\" is not a storage account name (3-24 lower-case letters and digits)");
        }
        String keyEnv = azure.accountKeyEnv();
        if (keyEnv == null || keyEnv.isEmpty()) {
            p.add(
                    "account-key-env",
                    "is required for an az target: the name of the environment variable holding the account key");
        } else if (!ENV_NAME.matcher(keyEnv).matches()) {
            // Not echoed: someone may have pasted the key itself here.
            p.add(
                    "account-key-env",
                    "is not the name of an environment variable (letters, digits and '_', not starting with a digit);"
                            + " it names the variable holding the key, never the key itself");
        } else if (canaries.refuseCredential(keyEnv).isPresent()) {
            p.add("account-key-env", canaries.refuseCredential(keyEnv).get());
        } else if (environment.apply(keyEnv) == null
                || environment.apply(keyEnv).isBlank()) {
            p.add("account-key-env", "names " + keyEnv + ", which is not set in the detector's environment");
        }
    }

    private interface Problems {
        void add(String field, String message);
    }

    private static Duration duration(String value, String fallback, String field, Problems problems) {
        String text = value == null || value.isBlank() ? fallback : value.strip();
        if (text == null) {
            return null;
        }
        try {
            return DurationConverter.parseDuration(text);
        } catch (RuntimeException e) {
            problems.add(field, "\"" + text + "\" is not a duration (write it like 1s, 250ms or 2m)");
            return null;
        }
    }

    /** The property as it is written: the target name quoted only when it needs to be. */
    static String property(String target, String field) {
        String key = target.matches("[A-Za-z0-9_-]+") ? target : "\"" + target + "\"";
        return "baran.detector.targets." + key + "." + field;
    }

    /** The configuration cannot be run; the message holds one line per problem. */
    public static final class InvalidConfigException extends IllegalStateException {

        private final List<String> problems;

        public InvalidConfigException(List<String> problems) {
            super("the detector configuration has " + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems") + ":\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
