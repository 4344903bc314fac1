package io.baran.worker.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * CloudFront's cache-policy calls (API 2020-05-31: GetCachePolicy, ListCachePolicies, CreateCachePolicy,
 * DeleteCachePolicy), which moto 5.2 does not implement, served by WireMock on 127.0.0.1 in front of moto: every
 * other CloudFront call is proxied to moto, which keeps the distributions. It keeps the policies (managed and
 * custom, each with an ETag), answers with the REST/XML shapes and error codes of the API reference
 * (NoSuchCachePolicy, CachePolicyAlreadyExists, CachePolicyInUse, IllegalDelete, InvalidIfMatchVersion,
 * PreconditionFailed), and refuses a request in any other shape (a policy config missing a required element,
 * TTLs out of order, an unknown call), recording it in {@link #malformed} for the test to assert none.
 */
final class FakeCloudFrontCachePolicies implements ResponseDefinitionTransformerV2, AutoCloseable {

    static final String XMLNS = "http://cloudfront.amazonaws.com/doc/2020-05-31/";
    /** AWS's managed CachingOptimized policy: min 1, default a day, max a year. */
    static final String CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

    private static final Pattern ONE = Pattern.compile("/2020-05-31/cache-policy/([^/]+)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Set<String> HEADER_BEHAVIOURS = Set.of("none", "whitelist");
    private static final Set<String> OTHER_BEHAVIOURS = Set.of("none", "whitelist", "allExcept", "all");

    /** One stored policy: its config element as XML, its ETag, whether AWS manages it. */
    record Policy(String id, String configXml, String etag, boolean managed) {}

    /** The calls that changed policies, e.g. {@code CreateCachePolicy 201 baran-ttl-…}, oldest first. */
    final List<String> changes = new CopyOnWriteArrayList<>();
    /** Requests refused for their shape. */
    final List<String> malformed = new CopyOnWriteArrayList<>();

    private final Map<String, Policy> policies = new LinkedHashMap<>();
    private final WireMockServer server;
    private volatile Predicate<String> inUse = id -> false;

    private FakeCloudFrontCachePolicies(String moto) {
        server = new WireMockServer(
                options().bindAddress("127.0.0.1").dynamicPort().extensions(this));
        server.start();
        server.stubFor(any(urlPathMatching("/2020-05-31/cache-policy.*"))
                .atPriority(1)
                .willReturn(aResponse().withTransformers(getName())));
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(moto)));
        put(
                CACHING_OPTIMIZED,
                config(
                        "Managed-CachingOptimized",
                        "Policy with caching enabled. Supports Gzip and Brotli " + "compression.",
                        1,
                        86400,
                        31536000,
                        "<HeadersConfig><HeaderBehavior>none</HeaderBehavior></HeadersConfig>"),
                true);
    }

    static FakeCloudFrontCachePolicies inFrontOf(String moto) {
        return new FakeCloudFrontCachePolicies(moto);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Which policies a distribution uses: CloudFront refuses to delete those (CachePolicyInUse). */
    void inUse(Predicate<String> used) {
        inUse = used;
    }

    /** Makes a custom policy directly, as a person would; answers its id. */
    synchronized String create(String name, long min, long defaultTtl, long max) {
        String id = UUID.randomUUID().toString();
        put(
                id,
                config(
                        name,
                        "made by the test",
                        min,
                        defaultTtl,
                        max,
                        "<HeadersConfig><HeaderBehavior>whitelist</HeaderBehavior>"
                                + "<Headers><Quantity>1</Quantity><Items><Name>Accept-Language</Name></Items></Headers></HeadersConfig>"),
                false);
        return id;
    }

    /** Sets a policy's TTLs by hand (UpdateCachePolicy in the console), with a new ETag. */
    synchronized void setTtls(String id, long min, long defaultTtl, long max) {
        Element config = parse(policies.get(id).configXml());
        text(config, "MinTTL", min);
        text(config, "DefaultTTL", defaultTtl);
        text(config, "MaxTTL", max);
        put(id, xml(config), policies.get(id).managed());
    }

    synchronized Policy policy(String id) {
        return policies.get(id);
    }

    synchronized List<Policy> all() {
        return List.copyOf(policies.values());
    }

    /** A policy's config element, parsed. */
    static Element config(Policy policy) {
        return parse(policy.configXml());
    }

    static long ttl(Element config, String name) {
        return Long.parseLong(child(config, name).getTextContent().trim());
    }

    static String value(Element config, String name) {
        Element e = child(config, name);
        return e == null ? null : e.getTextContent();
    }

    @Override
    public String getName() {
        return "fake-cloudfront-cache-policies";
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod().getName();
        String path = request.getUrl().split("\\?")[0];
        String[] answer;
        synchronized (this) {
            try {
                answer = answer(method, path, request);
            } catch (RuntimeException e) {
                answer = refuse(method + " " + path + ": " + e.getMessage());
            }
        }
        ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(Integer.parseInt(answer[0]))
                .withHeader("x-amz-request-id", "baran-test");
        if (answer[1] != null) {
            response.withHeader("ETag", answer[1]);
        }
        if (answer[2] != null) {
            response.withHeader("Content-Type", "text/xml")
                    .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + answer[2]);
        }
        return response.build();
    }

    /** Status, ETag (or null), body (or null). */
    private String[] answer(String method, String path, Request request) {
        Matcher one = ONE.matcher(path);
        if (method.equals("GET") && path.equals("/2020-05-31/cache-policy")) {
            return list(request);
        }
        if (method.equals("POST") && path.equals("/2020-05-31/cache-policy")) {
            return create(request.getBodyAsString());
        }
        if (one.matches() && method.equals("GET")) {
            Policy p = policies.get(one.group(1));
            return p == null
                    ? error(404, "NoSuchCachePolicy", "The cache policy does not exist.")
                    : new String[] {"200", p.etag(), policyXml(p, true)};
        }
        if (one.matches() && method.equals("DELETE")) {
            return delete(one.group(1), request.getHeader("If-Match"));
        }
        return refuse("the fake serves no " + method + " " + path);
    }

    private String[] list(Request request) {
        String type = request.queryParameter("Type").isPresent()
                ? request.queryParameter("Type").firstValue()
                : null;
        if (type != null && !Set.of("managed", "custom").contains(type)) {
            return refuse("ListCachePolicies Type must be managed or custom, not " + type);
        }
        int from = request.queryParameter("Marker").isPresent()
                        && !request.queryParameter("Marker").firstValue().isEmpty()
                ? Integer.parseInt(request.queryParameter("Marker").firstValue())
                : 0;
        int max = request.queryParameter("MaxItems").isPresent()
                ? Integer.parseInt(request.queryParameter("MaxItems").firstValue())
                : 2;
        List<Policy> matching = policies.values().stream()
                .filter(p -> type == null || p.managed() == type.equals("managed"))
                .toList();
        List<Policy> page = matching.subList(Math.min(from, matching.size()), Math.min(from + max, matching.size()));
        StringBuilder body = new StringBuilder("<CachePolicyList xmlns=\"" + XMLNS + "\">");
        if (from + max < matching.size()) {
            body.append("<NextMarker>").append(from + max).append("</NextMarker>");
        }
        body.append("<MaxItems>")
                .append(max)
                .append("</MaxItems><Quantity>")
                .append(page.size())
                .append("</Quantity><Items>");
        for (Policy p : page) {
            body.append("<CachePolicySummary><Type>")
                    .append(p.managed() ? "managed" : "custom")
                    .append("</Type>")
                    .append(policyXml(p, false))
                    .append("</CachePolicySummary>");
        }
        return new String[] {
            "200", null, body.append("</Items></CachePolicyList>").toString()
        };
    }

    private String[] create(String body) {
        Element config = parse(body);
        String problem = problem(config);
        if (problem != null) {
            return refuse("CreateCachePolicy: " + problem);
        }
        String name = value(config, "Name");
        if (policies.values().stream().anyMatch(p -> name.equals(value(parse(p.configXml()), "Name")))) {
            changes.add("CreateCachePolicy 409 " + name);
            return error(409, "CachePolicyAlreadyExists", "A cache policy with this name already exists.");
        }
        String id = UUID.randomUUID().toString();
        Policy p = put(id, xml(config), false);
        changes.add("CreateCachePolicy 201 " + name);
        return new String[] {"201", p.etag(), policyXml(p, true)};
    }

    private String[] delete(String id, String ifMatch) {
        Policy p = policies.get(id);
        if (p == null) {
            return error(404, "NoSuchCachePolicy", "The cache policy does not exist.");
        }
        if (ifMatch == null || ifMatch.isBlank()) {
            return error(400, "InvalidIfMatchVersion", "The If-Match version is missing or not valid.");
        }
        if (!ifMatch.equals(p.etag())) {
            return error(
                    412,
                    "PreconditionFailed",
                    "The precondition given in one or more of the request-header fields evaluated to false.");
        }
        if (p.managed()) {
            return error(400, "IllegalDelete", "You cannot delete a managed policy.");
        }
        if (inUse.test(id)) {
            changes.add("DeleteCachePolicy 409 " + id);
            return error(
                    409,
                    "CachePolicyInUse",
                    "Cannot delete the cache policy because it is attached to one or more cache behaviors.");
        }
        policies.remove(id);
        changes.add("DeleteCachePolicy 204 " + id);
        return new String[] {"204", null, null};
    }

    /** What makes a CachePolicyConfig not one the API reference describes, or null. */
    private static String problem(Element config) {
        if (!config.getLocalName().equals("CachePolicyConfig") || !XMLNS.equals(config.getNamespaceURI())) {
            return "the body is not a CachePolicyConfig of " + XMLNS;
        }
        String name = value(config, "Name");
        if (name == null || !NAME.matcher(name).matches()) {
            return "Name \"" + name + "\" is missing or not 1 to 128 letters, digits, hyphens and underscores";
        }
        String comment = value(config, "Comment");
        if (comment != null && comment.length() > 128) {
            return "Comment is longer than 128 characters";
        }
        for (String ttl : List.of("MinTTL", "DefaultTTL", "MaxTTL")) {
            if (child(config, ttl) == null
                    || !child(config, ttl).getTextContent().trim().matches("\\d+")) {
                return ttl + " is missing or not a number of seconds";
            }
        }
        if (ttl(config, "MinTTL") > ttl(config, "DefaultTTL") || ttl(config, "DefaultTTL") > ttl(config, "MaxTTL")) {
            return "TTLs must be MinTTL <= DefaultTTL <= MaxTTL";
        }
        Element key = child(config, "ParametersInCacheKeyAndForwardedToOrigin");
        if (key == null || child(key, "EnableAcceptEncodingGzip") == null) {
            return "ParametersInCacheKeyAndForwardedToOrigin with EnableAcceptEncodingGzip is required";
        }
        if (!HEADER_BEHAVIOURS.contains(nested(key, "HeadersConfig", "HeaderBehavior"))
                || !OTHER_BEHAVIOURS.contains(nested(key, "CookiesConfig", "CookieBehavior"))
                || !OTHER_BEHAVIOURS.contains(nested(key, "QueryStringsConfig", "QueryStringBehavior"))) {
            return "HeadersConfig, CookiesConfig and QueryStringsConfig need a documented behaviour";
        }
        return null;
    }

    private static String nested(Element parent, String outer, String inner) {
        Element o = child(parent, outer);
        return o == null || child(o, inner) == null ? null : child(o, inner).getTextContent();
    }

    private Policy put(String id, String configXml, boolean managed) {
        Policy p = new Policy(
                id,
                configXml,
                "E"
                        + UUID.randomUUID()
                                .toString()
                                .replace("-", "")
                                .substring(0, 13)
                                .toUpperCase(),
                managed);
        policies.put(id, p);
        return p;
    }

    private static String policyXml(Policy p, boolean withNamespace) {
        return "<CachePolicy" + (withNamespace ? " xmlns=\"" + XMLNS + "\"" : "") + "><Id>" + p.id()
                + "</Id><LastModifiedTime>2026-11-21T10:00:00Z</LastModifiedTime>"
                + p.configXml().replace(" xmlns=\"" + XMLNS + "\"", "")
                + "</CachePolicy>";
    }

    private static String config(String name, String comment, long min, long defaultTtl, long max, String headers) {
        return "<CachePolicyConfig xmlns=\"" + XMLNS + "\"><Comment>" + comment + "</Comment><Name>" + name
                + "</Name><DefaultTTL>"
                + defaultTtl + "</DefaultTTL><MaxTTL>" + max + "</MaxTTL><MinTTL>" + min + "</MinTTL>"
                + "<ParametersInCacheKeyAndForwardedToOrigin><EnableAcceptEncodingGzip>true</EnableAcceptEncodingGzip>"
                + "<EnableAcceptEncodingBrotli>true</EnableAcceptEncodingBrotli>" + headers
                + "<CookiesConfig><CookieBehavior>none</CookieBehavior></CookiesConfig>"
                + "<QueryStringsConfig><QueryStringBehavior>none</QueryStringBehavior></QueryStringsConfig>"
                + "</ParametersInCacheKeyAndForwardedToOrigin></CachePolicyConfig>";
    }

    private String[] refuse(String problem) {
        malformed.add(problem);
        return error(400, "InvalidArgument", problem);
    }

    private static String[] error(int status, String code, String message) {
        return new String[] {
            String.valueOf(status),
            null,
            "<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>"
                    + message + "</Message></Error><RequestId>baran-test</RequestId></ErrorResponse>"
        };
    }

    private static Element parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            Document doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
            return doc.getDocumentElement();
        } catch (Exception e) {
            throw new IllegalArgumentException("the body is not XML: " + e.getMessage(), e);
        }
    }

    private static String xml(Element element) {
        try {
            StringWriter out = new StringWriter();
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.transform(new DOMSource(element), new StreamResult(out));
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static void text(Element parent, String name, long value) {
        child(parent, name).setTextContent(String.valueOf(value));
    }

    @Override
    public void close() {
        server.stop();
    }
}
