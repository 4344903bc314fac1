package io.baran.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The objects of one overlay's build, with the lookups the checks need. */
final class Manifests {

    static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob");

    private final String overlay;
    private final List<Map<String, Object>> objects;

    Manifests(String overlay) {
        this.overlay = overlay;
        this.objects = Kustomize.documents(overlay);
    }

    String overlay() {
        return overlay;
    }

    List<Map<String, Object>> all() {
        return objects;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
    }

    static String name(Map<String, Object> object) {
        return Yamls.string(Yamls.at(object, "metadata", "name"));
    }

    static String describe(Map<String, Object> object) {
        return object.get("kind") + "/" + name(object);
    }

    List<Map<String, Object>> workloads() {
        return objects.stream()
                .filter(o -> WORKLOADS.contains(String.valueOf(o.get("kind"))))
                .toList();
    }

    /** The pod template's spec of a workload. */
    static Map<String, Object> podSpec(Map<String, Object> workload) {
        Object spec = "CronJob".equals(workload.get("kind"))
                ? Yamls.at(workload, "spec", "jobTemplate", "spec", "template", "spec")
                : Yamls.at(workload, "spec", "template", "spec");
        return Yamls.map(spec, describe(workload) + " pod spec");
    }

    static Map<String, Object> podLabels(Map<String, Object> workload) {
        Object labels = "CronJob".equals(workload.get("kind"))
                ? Yamls.at(workload, "spec", "jobTemplate", "spec", "template", "metadata", "labels")
                : Yamls.at(workload, "spec", "template", "metadata", "labels");
        return Yamls.map(labels, describe(workload) + " pod labels");
    }

    /** Containers and init containers of a workload. */
    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        Map<String, Object> pod = podSpec(workload);
        List<Map<String, Object>> containers = new ArrayList<>();
        for (String key : List.of("initContainers", "containers")) {
            Yamls.list(pod.get(key), describe(workload) + "." + key)
                    .forEach(c -> containers.add(Yamls.map(c, "container")));
        }
        return containers;
    }

    /**
     * The environment a container gets, as name to value; a value from a Secret is {@code <secret name/key>}.
     * envFrom ConfigMaps are resolved from this build.
     */
    Map<String, String> environment(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object from : Yamls.list(container.get("envFrom"), "envFrom")) {
            String configMap = Yamls.string(Yamls.at(from, "configMapRef", "name"));
            if (configMap != null) {
                Map<String, Object> data = Yamls.map(
                        Yamls.at(
                                find("ConfigMap", configMap)
                                        .orElseThrow(() -> new AssertionError(overlay + ": envFrom names ConfigMap "
                                                + configMap + ", which is not in the build")),
                                "data"),
                        "data");
                data.forEach((k, v) -> env.put(k, String.valueOf(v)));
            }
            String secret = Yamls.string(Yamls.at(from, "secretRef", "name"));
            if (secret != null) {
                throw new AssertionError(overlay + ": envFrom of a whole Secret (" + secret
                        + ") hides which keys a container gets; name them with secretKeyRef");
            }
        }
        for (Object entry : Yamls.list(container.get("env"), "env")) {
            Map<String, Object> e = Yamls.map(entry, "env entry");
            String name = Yamls.string(e.get("name"));
            if (e.containsKey("value")) {
                env.put(name, Yamls.string(e.get("value")));
            } else if (Yamls.at(e, "valueFrom", "secretKeyRef") != null) {
                env.put(
                        name,
                        "<" + Yamls.at(e, "valueFrom", "secretKeyRef", "name") + "/"
                                + Yamls.at(e, "valueFrom", "secretKeyRef", "key") + ">");
            } else if (Yamls.at(e, "valueFrom", "configMapKeyRef") != null) {
                String configMap = Yamls.string(Yamls.at(e, "valueFrom", "configMapKeyRef", "name"));
                String key = Yamls.string(Yamls.at(e, "valueFrom", "configMapKeyRef", "key"));
                env.put(name, Yamls.string(Yamls.at(find("ConfigMap", configMap).orElseThrow(), "data", key)));
            } else {
                env.put(name, "<" + e.get("valueFrom") + ">");
            }
        }
        return env;
    }

    /** The file a container sees at a path, from a ConfigMap volume mounted over its folder, or empty. */
    Optional<String> mountedFile(
            Map<String, Object> workload, Map<String, Object> container, String folder, String file) {
        for (Object mount : Yamls.list(container.get("volumeMounts"), "volumeMounts")) {
            if (!folder.equals(Yamls.at(mount, "mountPath"))) {
                continue;
            }
            String volume = Yamls.string(Yamls.at(mount, "name"));
            for (Object v : Yamls.list(podSpec(workload).get("volumes"), "volumes")) {
                if (volume.equals(Yamls.at(v, "name")) && Yamls.at(v, "configMap") != null) {
                    String configMap = Yamls.string(Yamls.at(v, "configMap", "name"));
                    return find("ConfigMap", configMap).map(cm -> Yamls.string(Yamls.at(cm, "data", file)));
                }
            }
        }
        return Optional.empty();
    }

    /** The ConfigMap behind the volume mounted at a folder, if it is in the build. */
    Optional<Map<String, Object>> mountedConfigMap(
            Map<String, Object> workload, Map<String, Object> container, String folder) {
        for (Object mount : Yamls.list(container.get("volumeMounts"), "volumeMounts")) {
            if (!folder.equals(Yamls.at(mount, "mountPath"))) {
                continue;
            }
            String volume = Yamls.string(Yamls.at(mount, "name"));
            for (Object v : Yamls.list(podSpec(workload).get("volumes"), "volumes")) {
                if (volume.equals(Yamls.at(v, "name")) && Yamls.at(v, "configMap") != null) {
                    return find("ConfigMap", Yamls.string(Yamls.at(v, "configMap", "name")));
                }
            }
        }
        return Optional.empty();
    }

    /** Whether a label selector (matchLabels only) selects these labels. */
    static boolean selects(Object selector, Map<String, Object> labels) {
        Map<String, Object> match = Yamls.map(Yamls.at(selector, "matchLabels"), "matchLabels");
        if (Yamls.at(selector, "matchExpressions") != null) {
            throw new AssertionError("matchExpressions are not checked by these tests; use matchLabels");
        }
        return match.entrySet().stream()
                .allMatch(e -> String.valueOf(e.getValue()).equals(String.valueOf(labels.get(e.getKey()))));
    }
}
