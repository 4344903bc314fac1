package io.baran.deploy;

import io.smallrye.config.common.utils.StringUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The configuration keys one service reads, and what an environment variable of a deployment sets in it.
 * Known keys: the service's {@code @ConfigMapping} interfaces, its application.properties, the
 * {@code @ConfigProperty} injection points of its classes and of the library beans they use, the few Quarkus
 * runtime properties the deployments set, and, for a service on Kafka, the Kafka client properties under
 * {@code kafka.} (Quarkus passes {@code KAFKA_SASL_JAAS_CONFIG} on as {@code sasl.jaas.config}).
 */
final class ConfigKeys {

    /**
     * Quarkus runtime properties a deployment may set; each is a documented Quarkus key. The identity provider's
     * URL is set in libs/api-security (META-INF/microprofile-config.properties), not in a service's own file.
     */
    static final Set<String> QUARKUS = Set.of(
            "quarkus.http.port",
            "quarkus.http.host",
            "quarkus.management.port",
            "quarkus.profile",
            "quarkus.log.level",
            "quarkus.oidc.auth-server-url",
            // extra application.properties files to read (compose gives the detector the signing roster so)
            "quarkus.config.locations");

    /** Variables that are not configuration properties but read by the image's start command or an SDK. */
    private static final Set<String> RUNTIME_VARIABLES = Set.of("JAVA_OPTS", "TZ");

    /** An UPPER_CASE variable in a property expression: {@code ${NAME}} or {@code ${NAME:default}}. */
    private static final Pattern EXPANDED_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

    private static final Pattern CLOUD_SDK_VARIABLES = Pattern.compile(
            "AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|REGION|PROFILE|ROLE_ARN|WEB_IDENTITY_TOKEN_FILE|ROLE_SESSION_NAME)"
                    + "|GOOGLE_APPLICATION_CREDENTIALS|AZURE_(CLIENT_ID|TENANT_ID|CLIENT_SECRET|FEDERATED_TOKEN_FILE|AUTHORITY_HOST)");

    private final ServiceModule service;
    private final TreeSet<String> patterns = new TreeSet<>();
    private final Set<String> kafkaClientProperties = new TreeSet<>();

    private ConfigKeys(ServiceModule service) {
        this.service = service;
    }

    /** The keys of the service under the profile its environment selects (QUARKUS_PROFILE, prod by default). */
    static ConfigKeys of(ServiceModule service, Map<String, String> environment) {
        return of(
                service,
                environment.getOrDefault("QUARKUS_PROFILE", environment.getOrDefault("quarkus.profile", "prod")));
    }

    static ConfigKeys of(ServiceModule service, String profile) {
        ConfigKeys keys = new ConfigKeys(service);
        for (Class<?> mapping : service.mappings()) {
            keys.patterns.addAll(MappingKeys.of(mapping));
        }
        // A key of another profile is unknown to the service: an UPPER_CASE variable could not be matched to it.
        Properties shipped = service.applicationProperties();
        for (String name : shipped.stringPropertyNames()) {
            if (!name.startsWith("%")) {
                keys.patterns.add(name);
            } else if (name.startsWith("%" + profile + ".")) {
                keys.patterns.add(name.substring(profile.length() + 2));
            } else {
                continue;
            }
            // A variable a value is expanded from, ${BARAN_AUDIT_ROLE:baran_audit}, is read as it is named.
            Matcher expanded = EXPANDED_VARIABLE.matcher(shipped.getProperty(name));
            while (expanded.find()) {
                keys.patterns.add(expanded.group(1));
            }
        }
        // Keys read by injection, e.g. baran.audit.* by libs/api-security's CallAuditTrail in the services that use it.
        keys.patterns.addAll(service.injectedProperties());
        keys.patterns.addAll(QUARKUS);
        if (service.usesKafka()) {
            keys.kafkaClientProperties.addAll(ProducerConfig.configNames());
            keys.kafkaClientProperties.addAll(ConsumerConfig.configNames());
            keys.kafkaClientProperties.addAll(AdminClientConfig.configNames());
        }
        return keys;
    }

    Set<String> patterns() {
        return patterns;
    }

    /**
     * What is wrong with setting this variable for the service, or empty when it sets a key the service reads
     * (or is a variable its runtime reads).
     */
    Optional<String> problem(String variable) {
        if (RUNTIME_VARIABLES.contains(variable)) {
            return Optional.empty();
        }
        if (CLOUD_SDK_VARIABLES.matcher(variable).matches()) {
            return service == ServiceModule.ORCHESTRATOR
                    ? Optional.of(variable + " is a cloud SDK credential, and " + service + " calls no provider")
                    : Optional.empty();
        }
        if (isPropertyName(variable)) {
            return matchesLiteral(variable)
                    ? Optional.empty()
                    : Optional.of(variable + " is not a configuration key of " + service + closest(variable) + built());
        }
        if (variable.startsWith("KAFKA_") && !kafkaClientProperties.isEmpty()) {
            String clientProperty = variable.substring("KAFKA_".length())
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '.');
            if (kafkaClientProperties.contains(clientProperty)) {
                return Optional.empty();
            }
        }
        List<String> matches = new ArrayList<>();
        for (String pattern : patterns) {
            if (envPattern(pattern).matcher(variable).matches()) {
                matches.add(pattern);
            }
        }
        if (matches.isEmpty()) {
            return Optional.of(
                    variable + " does not name a configuration key of " + service + closest(variable) + built());
        }
        if (matches.stream().allMatch(p -> p.contains("*"))) {
            return Optional.of(
                    variable + " sets a map entry (" + matches.get(0) + ") in the UPPER_CASE form, which cannot carry"
                            + " a '-' or '.' in the key (BARAN_PROVIDERS__AWS_LOCAL__TYPE names provider \"aws.local\"): give the"
                            + " property under its own name instead, e.g. "
                            + matches.get(0).replace("*", "aws-local"));
        }
        return Optional.empty();
    }

    /**
     * The property a variable sets, as the service looks it up; empty for a variable that is no property (JAVA_OPTS,
     * an SDK's credentials). Only meaningful for a variable {@link #problem} accepts.
     */
    Optional<String> property(String variable) {
        if (isPropertyName(variable)) {
            return Optional.of(variable);
        }
        if (variable.startsWith("KAFKA_") && !kafkaClientProperties.isEmpty()) {
            String clientProperty = variable.substring("KAFKA_".length())
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '.');
            if (kafkaClientProperties.contains(clientProperty)) {
                return Optional.of("kafka." + clientProperty);
            }
        }
        return patterns.stream()
                .filter(p -> !p.contains("*") && envPattern(p).matcher(variable).matches())
                .findFirst();
    }

    /** A variable spelled as the property itself (baran.providers.aws-local.type), which Quarkus reads too. */
    static boolean isPropertyName(String variable) {
        return variable.contains(".") || !variable.equals(variable.toUpperCase(Locale.ROOT));
    }

    private boolean matchesLiteral(String name) {
        List<String> segments = segments(name);
        for (String pattern : patterns) {
            List<String> expected = segments(pattern);
            if (expected.size() != segments.size()) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < expected.size() && all; i++) {
                String want = expected.get(i);
                String have = segments.get(i);
                all = segmentMatches(want, have);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** A property name split at the dots that are not inside quotes. */
    static List<String> segments(String name) {
        List<String> segments = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : name.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                current.append(c);
            } else if (c == '.' && !quoted) {
                segments.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        segments.add(current.toString());
        return segments;
    }

    private static boolean segmentMatches(String want, String have) {
        if (want.equals("*")) {
            return true;
        }
        if (want.contains("[*]")) {
            return have.matches(Pattern.quote(want).replace("[*]", "\\E\\[\\d+]\\Q"));
        }
        return unquote(want).equals(unquote(have));
    }

    private static String unquote(String segment) {
        return segment.length() > 1 && segment.startsWith("\"") && segment.endsWith("\"")
                ? segment.substring(1, segment.length() - 1)
                : segment;
    }

    /** The environment variable names a key pattern stands for, by Quarkus's rule (non-alphanumerics to '_', upper case). */
    static Pattern envPattern(String keyPattern) {
        StringBuilder regex = new StringBuilder();
        String[] pieces = keyPattern.split("\\*", -1);
        for (int i = 0; i < pieces.length; i++) {
            if (i > 0) {
                regex.append("[A-Z0-9_]+");
            }
            regex.append(Pattern.quote(
                    StringUtil.replaceNonAlphanumericByUnderscores(pieces[i]).toUpperCase(Locale.ROOT)));
        }
        return Pattern.compile(regex.toString());
    }

    /** Which build of the service was checked: an installed jar may be older than its sources. */
    private String built() {
        return " [checked against " + service.origin() + "]";
    }

    /** A hint: the keys that share the variable's first two segments. */
    private String closest(String variable) {
        List<String> parts = segments(
                isPropertyName(variable)
                        ? variable
                        : variable.toLowerCase(Locale.ROOT).replace('_', '.'));
        String head = parts.size() > 1 ? parts.get(0) + "." + parts.get(1) : parts.get(0);
        List<String> near =
                patterns.stream().filter(p -> p.startsWith(head)).limit(10).toList();
        return near.isEmpty() ? "" : " (keys it reads under " + head + ": " + String.join(", ", near) + ")";
    }
}
