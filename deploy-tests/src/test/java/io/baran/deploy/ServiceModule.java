package io.baran.deploy;

import io.smallrye.config.ConfigMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One of Baran's three services as these tests know it: its module, its own classes (from this module's test
 * class path) and the configuration it ships. Everything is read from the service, nothing is copied here, so
 * a key renamed in a service makes the deployment checks fail until the deployments follow.
 */
final class ServiceModule {

    static final ServiceModule ORCHESTRATOR = new ServiceModule("orchestrator-service");
    static final ServiceModule WORKER = new ServiceModule("replication-worker");
    static final ServiceModule DETECTOR = new ServiceModule("detector-service");
    static final List<ServiceModule> ALL = List.of(ORCHESTRATOR, WORKER, DETECTOR);

    /** A class of Baran's named in a class file (its constant pool holds internal names: io/baran/security/X). */
    private static final Pattern BARAN_CLASS = Pattern.compile("(io/baran/[A-Za-z0-9_/$]+)");

    private final String module;
    private Path classesRoot;
    private String origin;
    private FileSystem jar;
    private Set<String> injectedProperties;

    private ServiceModule(String module) {
        this.module = module;
    }

    static ServiceModule named(String module) {
        return ALL.stream()
                .filter(s -> s.module.equals(module))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a service module: " + module));
    }

    String module() {
        return module;
    }

    @Override
    public String toString() {
        return module;
    }

    /**
     * Where the service's classes were read from. Alone ({@code -pl deploy-tests}) Maven takes the installed jar
     * from the local repository, which may be older than the service's sources: run with {@code -am}, or install
     * the service first, after changing its configuration.
     */
    String origin() {
        classesRoot();
        return origin;
    }

    /** The application.properties inside the service (jar or target/classes), as Quarkus reads it at ordinal 250. */
    URL applicationPropertiesUrl() {
        try {
            return classesRoot().resolve("application.properties").toUri().toURL();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Properties applicationProperties() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(classesRoot().resolve("application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** quarkus.http.port as the service sets it. */
    int httpPort() {
        String port = applicationProperties().getProperty("quarkus.http.port");
        if (port == null) {
            throw new AssertionError(module + " sets no quarkus.http.port in its application.properties");
        }
        return Integer.parseInt(port.strip());
    }

    /** quarkus.management.port as the service sets it: health, metrics and the OpenAPI document, not the API. */
    int managementPort() {
        String port = applicationProperties().getProperty("quarkus.management.port");
        if (port == null) {
            throw new AssertionError(module + " sets no quarkus.management.port in its application.properties");
        }
        return Integer.parseInt(port.strip());
    }

    /** Whether the service talks to Kafka (so that kafka.* client properties, KAFKA_* variables, apply to it). */
    boolean usesKafka() {
        String pom = Repo.read(module + "/pom.xml");
        return pom.contains("<artifactId>quarkus-messaging-kafka</artifactId>")
                || pom.contains("<artifactId>quarkus-kafka-client</artifactId>");
    }

    /** Every interface of the service annotated {@link ConfigMapping}. */
    List<Class<?>> mappings() {
        List<Class<?>> mappings = new ArrayList<>();
        Path root = classesRoot();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class"))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.contains("$$") || name.startsWith("META-INF")) {
                    continue;
                }
                Class<?> type;
                try {
                    type = Class.forName(name, false, ServiceModule.class.getClassLoader());
                } catch (Throwable notLoadable) {
                    continue; // a class whose dependencies are not on this class path cannot be a mapping of ours
                }
                if (type.isInterface() && type.isAnnotationPresent(ConfigMapping.class)) {
                    mappings.add(type);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (mappings.isEmpty()) {
            throw new AssertionError(module + " has no @ConfigMapping interface under " + root
                    + "; is the right artifact on the class path?");
        }
        return Collections.unmodifiableList(mappings);
    }

    /**
     * The properties the service reads by injection ({@code @ConfigProperty}) rather than through a mapping: in its own
     * classes and in the classes of Baran's libraries those refer to (the library beans it uses, e.g. {@code
     * CallAuditTrail}, which reads {@code baran.audit.*}). A library bean no class of the service names is not
     * counted: Quarkus removes an unused bean, and its keys would then be read by nobody.
     */
    synchronized Set<String> injectedProperties() {
        if (injectedProperties != null) {
            return injectedProperties;
        }
        Set<String> properties = new TreeSet<>();
        Set<String> own = ownClassNames();
        Set<String> libraries = new TreeSet<>();
        Path root = classesRoot();
        for (String name : own) {
            try {
                String bytes = new String(
                        Files.readAllBytes(root.resolve(name.replace('.', '/') + ".class")),
                        StandardCharsets.ISO_8859_1);
                Matcher referred = BARAN_CLASS.matcher(bytes);
                while (referred.find()) {
                    String type = referred.group(1).replace('/', '.');
                    if (!own.contains(type)) {
                        libraries.add(type);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            load(name).ifPresent(type -> properties.addAll(configProperties(type)));
        }
        libraries.forEach(name -> load(name).ifPresent(type -> properties.addAll(configProperties(type))));
        injectedProperties = Collections.unmodifiableSet(properties);
        return injectedProperties;
    }

    /** Whether a class of the service names this type (uses the bean, calls the class). */
    boolean refersTo(Class<?> type) {
        String internal = type.getName().replace('.', '/');
        Path root = classesRoot();
        for (String name : ownClassNames()) {
            try {
                if (new String(
                                Files.readAllBytes(root.resolve(name.replace('.', '/') + ".class")),
                                StandardCharsets.ISO_8859_1)
                        .contains(internal)) {
                    return true;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }

    /** The names of @ConfigProperty injection points of a class: fields, constructor and method parameters. */
    private static Set<String> configProperties(Class<?> type) {
        Set<String> names = new TreeSet<>();
        try {
            for (Field field : type.getDeclaredFields()) {
                ConfigProperty property = field.getAnnotation(ConfigProperty.class);
                if (property != null) {
                    names.add(property.name());
                }
            }
            List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredConstructors()));
            executables.addAll(List.of(type.getDeclaredMethods()));
            for (Executable executable : executables) {
                for (Parameter parameter : executable.getParameters()) {
                    ConfigProperty property = parameter.getAnnotation(ConfigProperty.class);
                    if (property != null) {
                        names.add(property.name());
                    }
                }
            }
        } catch (Throwable notLoadable) {
            // a class whose dependencies are not on this class path: nothing of it can be checked here
        }
        names.removeIf(String::isEmpty);
        return names;
    }

    private static Optional<Class<?>> load(String name) {
        try {
            return Optional.of(Class.forName(name, false, ServiceModule.class.getClassLoader()));
        } catch (Throwable notLoadable) {
            return Optional.empty();
        }
    }

    /** The binary names of the service's own classes. */
    private Set<String> ownClassNames() {
        Path root = classesRoot();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .filter(name -> !name.startsWith("META-INF"))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the service's classes are: its jar or target/classes, found through its application.properties. */
    private synchronized Path classesRoot() {
        if (classesRoot != null) {
            return classesRoot;
        }
        try {
            Map<String, URL> candidates = new LinkedHashMap<>();
            for (URL url :
                    Collections.list(ServiceModule.class.getClassLoader().getResources("application.properties"))) {
                candidates.put(url.toString(), url);
            }
            for (URL url : candidates.values()) {
                String text = url.toString();
                if (text.startsWith("jar:file:")
                        && text.matches(".*/" + module + "-[^/]*\\.jar!/application\\.properties")) {
                    Path jarPath = Path.of(new java.net.URI(text.substring(4, text.indexOf("!/"))));
                    jar = FileSystems.newFileSystem(jarPath);
                    origin = jarPath.toString();
                    classesRoot = jar.getPath("/");
                    return classesRoot;
                }
                if (text.startsWith("file:")
                        && text.endsWith("/" + module + "/target/classes/application.properties")) {
                    classesRoot = Path.of(url.toURI()).getParent();
                    origin = classesRoot.toString();
                    return classesRoot;
                }
            }
            throw new AssertionError(module + " is not on the test class path (application.properties found at "
                    + candidates.keySet() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
