package io.baran.deploy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import io.smallrye.config.common.utils.StringUtil;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A service's configuration as it would read it in a deployment, built by SmallRye Config (the library Quarkus
 * runs on) from the same sources at the same ordinals: the environment (300), {@code $PWD/config/application.properties}
 * (260) and the application.properties inside the service (250), with the service's own {@code @ConfigMapping}
 * interfaces. Building it fails as the service's start would for a missing required key, a value of the wrong
 * type or an unknown key under one of its prefixes.
 */
final class EffectiveConfig {

    private final ServiceModule service;
    private final SmallRyeConfig config;

    private EffectiveConfig(ServiceModule service, SmallRyeConfig config) {
        this.service = service;
        this.config = config;
    }

    /**
     * @param environment the variables the deployment sets
     * @param configFile  the content of the mounted config/application.properties, or null
     */
    static EffectiveConfig of(ServiceModule service, Map<String, String> environment, String configFile) {
        PropertiesConfigSource shipped;
        try {
            shipped = new PropertiesConfigSource(service.applicationPropertiesUrl(), 250);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withValidateUnknown(true)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new EnvConfigSource(new HashMap<>(environment), 300))
                .withSources(shipped);
        if (configFile != null) {
            builder.withSources(
                    new PropertiesConfigSource(properties(configFile), "config/application.properties", 260));
        }
        String profile =
                environment.getOrDefault("QUARKUS_PROFILE", environment.getOrDefault("quarkus.profile", "prod"));
        builder.withProfile(profile);
        for (Class<?> mapping : service.mappings()) {
            builder.withMapping(mapping);
        }
        try {
            return new EffectiveConfig(service, builder.build());
        } catch (RuntimeException e) {
            throw new AssertionError(
                    service + " would not start with this configuration: " + e.getMessage() + " [checked against "
                            + service.origin() + "]",
                    e);
        }
    }

    private static Map<String, String> properties(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }

    /** The value of a property as the service reads it, or empty. */
    Optional<String> value(String property) {
        return Optional.ofNullable(config.getConfigValue(property).getValue());
    }

    /**
     * The object a mapping holds at a path: a group, a map (whose keys are what the service sees, e.g. the
     * provider names), a value. The path is a property name without the last leaf, e.g. {@code baran.providers}.
     */
    Object mapped(String path) {
        for (Class<?> mapping : service.mappings()) {
            String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
            if (path.equals(prefix) || path.startsWith(prefix + ".")) {
                Object current = config.getConfigMapping(mapping);
                List<String> rest = new ArrayList<>(ConfigKeys.segments(path.substring(prefix.length())));
                rest.removeIf(String::isEmpty);
                Optional<Object> found = walk(current, rest);
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new AssertionError(service + " maps nothing at " + path);
    }

    private static Optional<Object> walk(Object current, List<String> rest) {
        if (rest.isEmpty()) {
            return Optional.of(parentNamed(current).orElse(current));
        }
        String segment = rest.get(0);
        List<String> tail = rest.subList(1, rest.size());
        if (current instanceof Map<?, ?> map) {
            Object next = map.get(segment.replace("\"", ""));
            return next == null ? Optional.empty() : walk(next, tail);
        }
        for (Method method : mappingInterface(current).getMethods()) {
            if (method.getParameterCount() > 0 || method.isDefault()) {
                continue;
            }
            String name = method.isAnnotationPresent(WithName.class)
                    ? method.getAnnotation(WithName.class).value()
                    : StringUtil.skewer(method.getName(), '-');
            if (method.isAnnotationPresent(WithParentName.class)) {
                Optional<Object> inParent = walk(invoke(method, current), rest);
                if (inParent.isPresent()) {
                    return inParent;
                }
            } else if (name.equals(segment)) {
                return walk(invoke(method, current), tail);
            }
        }
        return Optional.empty();
    }

    /** A group whose only content is a map under its parent's name (@WithParentName) stands for that map. */
    private static Optional<Object> parentNamed(Object group) {
        if (group instanceof Map || group == null || !MappingKeys.isGroup(mappingInterface(group))) {
            return Optional.empty();
        }
        for (Method method : mappingInterface(group).getMethods()) {
            if (method.isAnnotationPresent(WithParentName.class) && method.getParameterCount() == 0) {
                return Optional.ofNullable(invoke(method, group));
            }
        }
        return Optional.empty();
    }

    private static Class<?> mappingInterface(Object implementation) {
        for (Class<?> type : implementation.getClass().getInterfaces()) {
            if (MappingKeys.isGroup(type)) {
                return type;
            }
        }
        return implementation.getClass();
    }

    private static Object invoke(Method method, Object target) {
        try {
            method.setAccessible(true);
            Object value = method.invoke(target);
            return value instanceof Optional<?> optional ? optional.orElse(null) : value;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + method + ": " + e.getMessage(), e);
        }
    }
}
