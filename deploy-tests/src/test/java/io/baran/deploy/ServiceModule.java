package io.baran.deploy;

import io.smallrye.config.ConfigMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
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
import java.util.Properties;
import java.util.stream.Stream;

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

    private final String module;
    private Path classesRoot;
    private String origin;
    private FileSystem jar;

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
