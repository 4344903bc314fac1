package io.baran.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The REST resource methods of a service that may change something (POST, PUT, PATCH, DELETE) and are not written to
 * the audit trail ({@code io.baran.security.AuditedCall}): a test asserts there are none, so an endpoint added later
 * cannot slip past the trail.
 */
public final class AuditedEndpoints {

    private static final Set<String> CHANGING =
            Set.of("jakarta.ws.rs.POST", "jakarta.ws.rs.PUT", "jakarta.ws.rs.PATCH", "jakarta.ws.rs.DELETE");
    private static final String AUDITED = "io.baran.security.AuditedCall";

    private AuditedEndpoints() {}

    /**
     * @param classes the module's compiled classes ({@code target/classes})
     * @return {@code Class#method} of each changing resource method without the annotation
     */
    public static List<String> unaudited(Path classes) {
        List<String> found = new ArrayList<>();
        int resources = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name =
                        classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, AuditedEndpoints.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                if (!has(type.getAnnotations(), "jakarta.ws.rs.Path")) {
                    continue;
                }
                resources++;
                for (Method m : type.getDeclaredMethods()) {
                    boolean changing = Stream.of(m.getAnnotations())
                            .anyMatch(a -> CHANGING.contains(a.annotationType().getName()));
                    if (changing && !has(m.getAnnotations(), AUDITED)) {
                        found.add(type.getSimpleName() + "#" + m.getName());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (resources == 0) {
            throw new IllegalStateException("no REST resource class under " + classes);
        }
        return found;
    }

    private static boolean has(Annotation[] annotations, String type) {
        return Stream.of(annotations).anyMatch(a -> a.annotationType().getName().equals(type));
    }
}
