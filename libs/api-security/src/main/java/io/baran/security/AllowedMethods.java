package io.baran.security;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which HTTP methods each path of the REST resources takes, read once from their JAX-RS annotations, so a 405 can name
 * them in its {@code Allow} header (RFC 9110 requires it; the REST layer sends none by itself).
 */
public final class AllowedMethods {

    private record Route(Pattern path, String method) {}

    private final List<Route> routes;

    private AllowedMethods(List<Route> routes) {
        this.routes = routes;
    }

    /** The routes of the given resource classes (those carrying {@code @Path}; others are ignored). */
    public static AllowedMethods of(Collection<Class<?>> resources) {
        List<Route> routes = new ArrayList<>();
        for (Class<?> resource : resources) {
            Path classPath = resource.getAnnotation(Path.class);
            if (classPath == null) {
                continue;
            }
            for (Method method : resource.getMethods()) {
                String http = httpMethod(method);
                if (http != null) {
                    Path methodPath = method.getAnnotation(Path.class);
                    routes.add(new Route(
                            template(classPath.value() + "/" + (methodPath == null ? "" : methodPath.value())), http));
                }
            }
        }
        return new AllowedMethods(routes);
    }

    /**
     * The methods {@code path} takes, with {@code HEAD} wherever {@code GET} is and {@code OPTIONS}, which the REST layer
     * answers itself; empty for a path no resource serves.
     */
    public Set<String> forPath(String path) {
        String normalised = "/" + trimSlashes(path);
        Set<String> methods = new TreeSet<>();
        for (Route route : routes) {
            if (route.path().matcher(normalised).matches()) {
                methods.add(route.method());
            }
        }
        if (methods.contains(HttpMethod.GET)) {
            methods.add(HttpMethod.HEAD);
        }
        if (!methods.isEmpty()) {
            methods.add(HttpMethod.OPTIONS);
        }
        return methods;
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    /** A path template ({@code /api/runbooks/{name}}, {@code {id: regex}}) as a pattern: each parameter one segment. */
    static Pattern template(String template) {
        String trimmed = "/" + trimSlashes(template.replaceAll("/+", "/"));
        StringBuilder regex = new StringBuilder();
        int at = 0;
        while (at < trimmed.length()) {
            int open = trimmed.indexOf('{', at);
            if (open < 0) {
                regex.append(Pattern.quote(trimmed.substring(at)));
                break;
            }
            int close = trimmed.indexOf('}', open);
            regex.append(Pattern.quote(trimmed.substring(at, open))).append("[^/]+");
            at = close + 1;
        }
        return Pattern.compile(regex.toString());
    }

    private static String trimSlashes(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }
}
