package io.baran.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** docker-compose.yml, read as docker compose reads it (merge keys resolved), with the forms normalised. */
final class Compose {

    static final String FILE = "docker-compose.yml";

    /** A published port: {@code host_ip:published:target}. */
    record Port(String hostIp, int published, int target) {}

    /** One dependency of a service. */
    record Dependency(String service, String condition, boolean required) {}

    record Service(String name, Map<String, Object> raw) {

        Optional<String> image() {
            return Optional.ofNullable(Yamls.string(raw.get("image")));
        }

        List<String> profiles() {
            return Yamls.list(raw.get("profiles"), name + ".profiles").stream()
                    .map(String::valueOf)
                    .toList();
        }

        boolean inProfile() {
            return !profiles().isEmpty();
        }

        /** Runs and stays up (as opposed to a one-shot job that others wait for). */
        boolean longRunning() {
            return "unless-stopped".equals(raw.get("restart")) || "always".equals(raw.get("restart"));
        }

        /** environment, in either of its forms, as text. */
        Map<String, String> environment() {
            Object env = raw.get("environment");
            Map<String, String> result = new LinkedHashMap<>();
            if (env instanceof Map<?, ?> map) {
                map.forEach((k, v) -> result.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
            } else if (env instanceof List<?> list) {
                for (Object entry : list) {
                    String text = String.valueOf(entry);
                    int eq = text.indexOf('=');
                    result.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
                }
            }
            return result;
        }

        List<Port> ports() {
            List<Port> ports = new ArrayList<>();
            for (Object entry : Yamls.list(raw.get("ports"), name + ".ports")) {
                if (entry instanceof Map<?, ?> map) {
                    ports.add(new Port(
                            Yamls.string(map.get("host_ip")),
                            Integer.parseInt(String.valueOf(map.get("published"))),
                            Integer.parseInt(String.valueOf(map.get("target")))));
                    continue;
                }
                String[] parts = String.valueOf(entry).replace("/tcp", "").split(":");
                if (parts.length == 3) {
                    ports.add(new Port(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2])));
                } else if (parts.length == 2) {
                    ports.add(new Port(null, Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
                } else {
                    throw new IllegalStateException(name + ": a port without a published side: " + entry);
                }
            }
            return ports;
        }

        List<Dependency> dependsOn() {
            Object deps = raw.get("depends_on");
            List<Dependency> result = new ArrayList<>();
            if (deps instanceof List<?> list) {
                list.forEach(d -> result.add(new Dependency(String.valueOf(d), "service_started", true)));
            } else if (deps instanceof Map<?, ?> map) {
                map.forEach((k, v) -> {
                    Map<String, Object> spec = Yamls.map(v, name + ".depends_on." + k);
                    result.add(new Dependency(
                            String.valueOf(k),
                            String.valueOf(spec.getOrDefault("condition", "service_started")),
                            !Boolean.FALSE.equals(spec.get("required"))));
                });
            }
            String networkMode = Yamls.string(raw.get("network_mode"));
            if (networkMode != null && networkMode.startsWith("service:")) {
                result.add(new Dependency(networkMode.substring("service:".length()), "service_started", true));
            }
            return result;
        }

        Optional<Map<String, Object>> healthcheck() {
            Object hc = raw.get("healthcheck");
            return hc == null ? Optional.empty() : Optional.of(Yamls.map(hc, name + ".healthcheck"));
        }

        /** The health check's command as one line of text. */
        Optional<String> healthcheckCommand() {
            return healthcheck().map(hc -> {
                Object test = hc.get("test");
                if (test instanceof List<?> list) {
                    List<String> words = list.stream().map(String::valueOf).toList();
                    return String.join(" ", words.subList(1, words.size()));
                }
                return String.valueOf(test);
            });
        }

        /** Volume mounts as (source, target) pairs, from the short or the long form. */
        List<Map.Entry<String, String>> volumes() {
            List<Map.Entry<String, String>> result = new ArrayList<>();
            for (Object entry : Yamls.list(raw.get("volumes"), name + ".volumes")) {
                if (entry instanceof Map<?, ?> map) {
                    result.add(Map.entry(String.valueOf(map.get("source")), String.valueOf(map.get("target"))));
                } else {
                    String[] parts = String.valueOf(entry).split(":");
                    result.add(Map.entry(parts[0], parts.length > 1 ? parts[1] : parts[0]));
                }
            }
            return result;
        }

        /** The whole command (entrypoint and command) as text, for checks on what a one-shot does. */
        String script() {
            return String.valueOf(raw.getOrDefault("entrypoint", "")) + " " + raw.getOrDefault("command", "");
        }

        Optional<String> build(String key) {
            return Optional.ofNullable(Yamls.string(Yamls.at(raw, "build", key)));
        }
    }

    private final Map<String, Object> document;

    private Compose(Map<String, Object> document) {
        this.document = document;
    }

    static Compose read() {
        return new Compose(Yamls.load(Repo.read(FILE)));
    }

    Map<String, Object> document() {
        return document;
    }

    Map<String, Service> services() {
        Map<String, Service> services = new LinkedHashMap<>();
        Yamls.map(document.get("services"), "services")
                .forEach((name, spec) -> services.put(name, new Service(name, Yamls.map(spec, "services." + name))));
        return services;
    }

    Service service(String name) {
        Service service = services().get(name);
        if (service == null) {
            throw new AssertionError(
                    FILE + " has no service " + name + " (it has " + services().keySet() + ")");
        }
        return service;
    }

    Map<String, Object> topLevel(String key) {
        return Yamls.map(document.get(key), key);
    }

    /** The inline content of a top-level config. */
    String configContent(String name) {
        Object content = Yamls.at(document, "configs", name, "content");
        if (content == null) {
            throw new AssertionError(FILE + ": configs." + name + " has no inline content");
        }
        return String.valueOf(content);
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

    /** Compose interpolation with each variable at its default, as on a machine that sets none of them. */
    static String interpolateDefaults(String text) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
