package io.baran.deploy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import io.smallrye.config.common.utils.StringUtil;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * The property names a {@link ConfigMapping} interface reads, as patterns: {@code baran.providers.*.type}, where
 * {@code *} is a map key. Walks the interface as SmallRye Config does: kebab-case member names, {@link WithName},
 * {@link WithParentName}, nested groups, maps and optionals.
 */
final class MappingKeys {

    private MappingKeys() {}

    static List<String> of(Class<?> mapping) {
        ConfigMapping annotation = mapping.getAnnotation(ConfigMapping.class);
        TreeSet<String> keys = new TreeSet<>();
        walk(annotation.prefix(), mapping, annotation.namingStrategy(), keys, new ArrayList<>());
        return List.copyOf(keys);
    }

    private static void walk(
            String prefix,
            Class<?> group,
            ConfigMapping.NamingStrategy naming,
            TreeSet<String> keys,
            List<Class<?>> path) {
        if (path.contains(group)) {
            return;
        }
        path.add(group);
        for (Method method : group.getMethods()) {
            if (method.isDefault()
                    || Modifier.isStatic(method.getModifiers())
                    || method.getParameterCount() > 0
                    || method.getDeclaringClass() == Object.class
                    || method.getReturnType() == void.class) {
                continue;
            }
            String segment;
            if (method.isAnnotationPresent(WithParentName.class)) {
                segment = null;
            } else if (method.isAnnotationPresent(WithName.class)) {
                segment = method.getAnnotation(WithName.class).value();
            } else {
                segment = name(method.getName(), naming);
            }
            String key = segment == null ? prefix : prefix.isEmpty() ? segment : prefix + "." + segment;
            add(key, method.getGenericReturnType(), naming, keys, path);
        }
        path.remove(group);
    }

    private static void add(
            String key, Type type, ConfigMapping.NamingStrategy naming, TreeSet<String> keys, List<Class<?>> path) {
        Class<?> raw = raw(type);
        if (raw == Optional.class) {
            add(key, argument(type, 0), naming, keys, path);
        } else if (raw == OptionalInt.class || raw == OptionalLong.class || raw == OptionalDouble.class) {
            keys.add(key);
        } else if (Map.class.isAssignableFrom(raw)) {
            add(key + ".*", argument(type, 1), naming, keys, path);
        } else if (Collection.class.isAssignableFrom(raw)) {
            Class<?> element = raw(argument(type, 0));
            if (isGroup(element)) {
                walk(key + "[*]", element, naming, keys, path);
            } else {
                keys.add(key);
            }
        } else if (isGroup(raw)) {
            walk(key, raw, naming, keys, path);
        } else {
            keys.add(key);
        }
    }

    /** A nested configuration group: an interface of the service's own, not a JDK or library value type. */
    static boolean isGroup(Class<?> type) {
        return type.isInterface()
                && !type.getName().startsWith("java.")
                && !type.getName().startsWith("javax.");
    }

    private static String name(String method, ConfigMapping.NamingStrategy naming) {
        return switch (naming) {
            case VERBATIM -> method;
            case SNAKE_CASE -> StringUtil.skewer(method, '_');
            default -> StringUtil.skewer(method, '-');
        };
    }

    static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    static Type argument(Type type, int index) {
        return type instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
    }
}
