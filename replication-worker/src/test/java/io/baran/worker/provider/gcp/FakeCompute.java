package io.baran.worker.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part of Compute v1 that holds Cloud CDN's settings, as documented: backendServices.get/patch,
 * backendBuckets.get/patch, urlMaps.get and globalOperations.get. A patch is a JSON merge patch; a backend
 * service's patch must carry its current fingerprint (412 conditionNotMet otherwise) and gets a new one; the
 * cdnPolicy that results is checked as Compute checks it (FORCE_CACHE_ALL takes no maxTtl, defaultTtl not
 * above maxTtl, a year at most). A patch answers a RUNNING operation that is DONE when read.
 */
final class FakeCompute {

    static final long MAX_TTL = 31_622_400;
    private final String project;
    /** "backendServices/web" -> the resource. */
    private final Map<String, ObjectNode> backends = new HashMap<>();

    private final Map<String, ObjectNode> urlMaps = new HashMap<>();
    private final Map<String, ObjectNode> operations = new HashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    /** Every patch body received, for tests that check what was sent. */
    final List<JsonNode> patches = new CopyOnWriteArrayList<>();
    /** When set, the next patch is accepted but its operation ends DONE with this error code, changing nothing. */
    volatile String failNextOperation;
    /** Run when the next patch arrives, before its fingerprint is checked: a change made by hand in between. */
    volatile Runnable beforeNextPatch;

    FakeCompute(String project) {
        this.project = project;
    }

    String link(String collection, String name) {
        return "https://www.googleapis.com/compute/v1/projects/" + project + "/global/" + collection + "/" + name;
    }

    /** A backend service or bucket with Cloud CDN on ({@code cacheMode} given) or off ({@code cacheMode} null). */
    synchronized void putBackend(String collection, String name, String cacheMode, long defaultTtl, long maxTtl) {
        ObjectNode backend = Answer.JSON.createObjectNode();
        boolean bucket = collection.equals("backendBuckets");
        backend.put("kind", bucket ? "compute#backendBucket" : "compute#backendService");
        backend.put("name", name);
        backend.put("selfLink", link(collection, name));
        backend.put(bucket ? "enableCdn" : "enableCDN", cacheMode != null);
        if (bucket) {
            backend.put("bucketName", name + "-content");
        } else {
            backend.put("protocol", "HTTPS");
            backend.put("timeoutSec", 30);
            backend.put("fingerprint", fingerprint());
        }
        ObjectNode policy = backend.putObject("cdnPolicy");
        policy.put("signedUrlCacheMaxAgeSec", 3600);
        policy.put("negativeCaching", true);
        policy.putObject("cacheKeyPolicy").put("includeHost", true).put("includeProtocol", true);
        if (cacheMode != null) {
            policy.put("cacheMode", cacheMode);
            if (!cacheMode.equals("USE_ORIGIN_HEADERS")) {
                policy.put("defaultTtl", defaultTtl);
                policy.put("clientTtl", Math.min(defaultTtl, 3600));
                policy.put("serveWhileStale", 0);
            }
            if (cacheMode.equals("CACHE_ALL_STATIC")) {
                policy.put("maxTtl", maxTtl);
            }
        }
        backends.put(collection + "/" + name, backend);
    }

    /** A URL map: the default backend, and path rules {paths, backend reference} in one path matcher. */
    synchronized void putUrlMap(String name, String defaultService, Map<String, String> pathRules) {
        ObjectNode map = Answer.JSON.createObjectNode();
        map.put("kind", "compute#urlMap");
        map.put("name", name);
        map.put("defaultService", defaultService);
        map.put("fingerprint", fingerprint());
        if (!pathRules.isEmpty()) {
            map.putArray("hostRules")
                    .addObject()
                    .put("pathMatcher", "paths")
                    .putArray("hosts")
                    .add("*");
            ObjectNode matcher = map.putArray("pathMatchers").addObject();
            matcher.put("name", "paths");
            matcher.put("defaultService", defaultService);
            pathRules.forEach((path, service) -> {
                ObjectNode rule = matcher.withArray("pathRules").addObject();
                rule.putArray("paths").add(path);
                rule.put("service", service);
            });
        }
        urlMaps.put(name, map);
    }

    synchronized ObjectNode backend(String collection, String name) {
        ObjectNode backend = backends.get(collection + "/" + name);
        return backend == null ? null : backend.deepCopy();
    }

    /** Changes a backend's cdnPolicy as a person would in the console: the fingerprint changes too. */
    synchronized void edit(String collection, String name, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode backend = backends.get(collection + "/" + name);
        change.accept(backend);
        if (backend.has("fingerprint")) {
            backend.put("fingerprint", fingerprint());
        }
    }

    synchronized Answer getBackend(String collection, String name) {
        ObjectNode backend = backends.get(collection + "/" + name);
        return backend == null ? notFound(collection, name) : Answer.ok(backend);
    }

    synchronized Answer getUrlMap(String name) {
        ObjectNode map = urlMaps.get(name);
        return map == null ? notFound("urlMaps", name) : Answer.ok(map);
    }

    Answer patchBackend(String collection, String name, JsonNode patch) {
        Runnable meanwhile = beforeNextPatch;
        beforeNextPatch = null;
        if (meanwhile != null) {
            meanwhile.run();
        }
        synchronized (this) {
            patches.add(patch);
            ObjectNode backend = backends.get(collection + "/" + name);
            if (backend == null) {
                return notFound(collection, name);
            }
            if (!patch.isObject()) {
                return Answer.invalid("Invalid JSON payload received.");
            }
            if (backend.has("fingerprint")) {
                if (!patch.has("fingerprint")) {
                    return Answer.invalid("Required field 'fingerprint' not specified");
                }
                if (!patch.path("fingerprint")
                        .asText()
                        .equals(backend.path("fingerprint").asText())) {
                    return Answer.error(412, "conditionNotMet", "Invalid fingerprint.");
                }
            }
            ObjectNode merged = backend.deepCopy();
            ObjectNode changes = patch.deepCopy();
            changes.remove("fingerprint");
            mergePatch(merged, changes);
            String problem = cdnPolicyProblem(merged.path("cdnPolicy"));
            if (problem != null) {
                return Answer.invalid(problem);
            }
            ObjectNode operation = Answer.JSON.createObjectNode();
            String id = "operation-" + ids.incrementAndGet();
            operation
                    .put("kind", "compute#operation")
                    .put("name", id)
                    .put("operationType", "patch")
                    .put("targetLink", link(collection, name))
                    .put("status", "RUNNING")
                    .put("progress", 0);
            String failure = failNextOperation;
            failNextOperation = null;
            if (failure != null) {
                operation.put("httpErrorStatusCode", 403).put("httpErrorMessage", "FORBIDDEN");
                operation
                        .putObject("error")
                        .putArray("errors")
                        .addObject()
                        .put("code", failure)
                        .put("message", "the operation failed: " + failure);
            } else {
                if (merged.has("fingerprint")) {
                    merged.put("fingerprint", fingerprint());
                }
                backends.put(collection + "/" + name, merged);
            }
            operations.put(id, operation);
            return Answer.ok(operation);
        }
    }

    synchronized Answer getOperation(String id) {
        ObjectNode operation = operations.get(id);
        if (operation == null) {
            return notFound("operations", id);
        }
        operation.put("status", "DONE").put("progress", 100);
        return Answer.ok(operation);
    }

    /** RFC 7396: objects merge member by member, null removes, anything else replaces. */
    private static void mergePatch(ObjectNode target, JsonNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value.isObject() && target.path(field.getKey()).isObject()) {
                mergePatch((ObjectNode) target.get(field.getKey()), value);
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        }
    }

    private static String cdnPolicyProblem(JsonNode policy) {
        String mode = policy.path("cacheMode").asText("CACHE_ALL_STATIC");
        List<String> problems = new ArrayList<>();
        for (String ttl : List.of("defaultTtl", "maxTtl", "clientTtl", "serveWhileStale")) {
            if (policy.has(ttl)
                    && (!policy.path(ttl).canConvertToLong()
                            || policy.path(ttl).asLong() < 0
                            || policy.path(ttl).asLong() > MAX_TTL)) {
                problems.add("cdnPolicy." + ttl + " must be between 0 and " + MAX_TTL);
            }
        }
        if (mode.equals("FORCE_CACHE_ALL") && policy.has("maxTtl")) {
            problems.add("maxTtl cannot be specified with FORCE_CACHE_ALL cache mode");
        }
        if (mode.equals("USE_ORIGIN_HEADERS") && (policy.has("maxTtl") || policy.has("defaultTtl"))) {
            problems.add("defaultTtl and maxTtl cannot be specified with USE_ORIGIN_HEADERS cache mode");
        }
        if (mode.equals("CACHE_ALL_STATIC")
                && policy.path("defaultTtl").asLong(0) > policy.path("maxTtl").asLong(MAX_TTL)) {
            problems.add("defaultTtl must be less than or equal to maxTtl");
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private String fingerprint() {
        return Base64.getEncoder()
                .encodeToString(("fp-" + ids.incrementAndGet()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private Answer notFound(String collection, String name) {
        return Answer.error(
                404,
                "notFound",
                "The resource 'projects/" + project + "/global/" + collection + "/" + name + "' was not found");
    }
}
