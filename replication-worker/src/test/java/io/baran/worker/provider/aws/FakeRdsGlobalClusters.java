package io.baran.worker.provider.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stateful fake of the RDS Query API's global-database calls, which moto lacks, on WireMock: form-encoded
 * {@code Action=…&Version=2014-10-31} requests answered with the XML shapes of the RDS API reference.
 * {@code DescribeGlobalClusters} lists the global databases it holds; {@code SwitchoverGlobalCluster} (exactly
 * {@code GlobalClusterIdentifier} and {@code TargetDbClusterIdentifier}) starts a switchover that moves through
 * {@code FailoverState} pending, switching-over, and then makes the target the writer and the old writer a
 * secondary, one step per {@code DescribeGlobalClusters}; {@code DescribeDBInstances} knows no DB instance. A
 * request in any other shape is answered 400 and recorded in {@link #violations()}, which the tests expect empty.
 */
final class FakeRdsGlobalClusters implements AutoCloseable {

    static final String ACCOUNT = "123456789012";
    private static final String NS = "http://rds.amazonaws.com/doc/2014-10-31/";

    private final Map<String, Global> globals = new LinkedHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<String> actions = new CopyOnWriteArrayList<>();
    private final WireMockServer server;

    /** One global database: its members' ARNs, the writer's, and a switchover under way (target, steps taken). */
    private static final class Global {
        final List<String> members = new ArrayList<>();
        String writer;
        String target;
        String from;
        int step;
    }

    FakeRdsGlobalClusters() {
        server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .extensions(new Router()));
        server.start();
        server.stubFor(
                WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse().withStatus(500)));
    }

    String endpoint() {
        return server.baseUrl();
    }

    static String arn(String region, String cluster) {
        return "arn:aws:rds:" + region + ":" + ACCOUNT + ":cluster:" + cluster;
    }

    /** A global database whose first member is the writer; members are cluster ARNs. */
    synchronized void putGlobal(String id, String... members) {
        Global g = new Global();
        g.members.addAll(List.of(members));
        g.writer = members[0];
        globals.put(id, g);
    }

    /** What someone else does by hand: the member becomes the writer at once. */
    synchronized void setWriter(String id, String member) {
        globals.get(id).writer = member;
    }

    /** What someone else does through the console: a switchover to the member starts, and runs as one Baran asks for. */
    synchronized void startSwitchover(String id, String member) {
        Global g = globals.get(id);
        g.target = member;
        g.from = g.writer;
        g.step = 0;
    }

    /** Whether a switchover of the global database is still under way. */
    synchronized boolean switching(String id) {
        return globals.get(id).target != null;
    }

    synchronized String writer(String id) {
        return globals.get(id).writer;
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    /** How many requests named this action. */
    int count(String action) {
        return (int) actions.stream().filter(action::equals).count();
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Router implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "rds-global-clusters-fake";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            var request = event.getRequest();
            Map<String, String> form = form(request.getBodyAsString());
            String action = form.getOrDefault("Action", "");
            actions.add(action);
            String[] answer;
            if (!request.getMethod().getName().equals("POST")
                    || !request.getUrl().equals("/")
                    || !String.valueOf(request.getHeader("Content-Type"))
                            .startsWith("application/x-www-form-urlencoded")
                    || !"2014-10-31".equals(form.get("Version"))) {
                answer = invalid("not an RDS Query API request (POST / form-encoded, Version=2014-10-31): "
                        + request.getMethod() + " " + request.getUrl());
            } else {
                answer = switch (action) {
                    case "DescribeGlobalClusters" -> describe(form);
                    case "SwitchoverGlobalCluster" -> switchover(form);
                    case "DescribeDBInstances" ->
                        error(
                                404,
                                "DBInstanceNotFound",
                                "DBInstance " + form.get("DBInstanceIdentifier") + " not found.");
                    default -> invalid("action " + action + " is not served by this fake");
                };
            }
            if (answer[0].equals("400") && answer[1].contains("<Code>InvalidParameter")) {
                violations.add(action + ": " + answer[1]);
            }
            return new ResponseDefinitionBuilder()
                    .withStatus(Integer.parseInt(answer[0]))
                    .withHeader("Content-Type", "text/xml")
                    .withBody(answer[1])
                    .build();
        }
    }

    private synchronized String[] describe(Map<String, String> form) {
        String[] unknown = only(form, Set.of("MaxRecords", "Marker", "GlobalClusterIdentifier"));
        if (unknown != null) {
            return unknown;
        }
        StringBuilder xml = new StringBuilder("<DescribeGlobalClustersResponse xmlns=\"" + NS
                + "\"><DescribeGlobalClustersResult>" + "<GlobalClusters>");
        for (var e : globals.entrySet()) {
            if (form.containsKey("GlobalClusterIdentifier")
                    && !form.get("GlobalClusterIdentifier").equals(e.getKey())) {
                continue;
            }
            advance(e.getValue());
            xml.append(globalCluster("GlobalClusterMember", e.getKey(), e.getValue()));
        }
        xml.append("</GlobalClusters></DescribeGlobalClustersResult>")
                .append(metadata())
                .append("</DescribeGlobalClustersResponse>");
        return new String[] {"200", xml.toString()};
    }

    /** A switchover moves one state per read: pending → switching-over → done (roles swapped). */
    private static void advance(Global g) {
        if (g.target == null) {
            return;
        }
        g.step++;
        if (g.step >= 3) {
            g.writer = g.target;
            g.target = null;
            g.from = null;
            g.step = 0;
        }
    }

    private synchronized String[] switchover(Map<String, String> form) {
        String[] unknown = only(form, Set.of("GlobalClusterIdentifier", "TargetDbClusterIdentifier"));
        if (unknown != null) {
            return unknown;
        }
        String id = form.get("GlobalClusterIdentifier");
        String target = form.get("TargetDbClusterIdentifier");
        if (id == null || target == null) {
            return invalid("SwitchoverGlobalCluster needs GlobalClusterIdentifier and TargetDbClusterIdentifier");
        }
        Global g = globals.get(id);
        if (g == null) {
            return error(404, "GlobalClusterNotFoundFault", "Global cluster " + id + " not found.");
        }
        String member = g.members.stream()
                .filter(m -> m.equals(target) || m.endsWith(":cluster:" + target))
                .findFirst()
                .orElse(null);
        if (member == null) {
            return error(
                    404,
                    "DBClusterNotFoundFault",
                    "DBCluster " + target + " is not a member of global cluster " + id + ".");
        }
        if (g.target != null) {
            return error(
                    400,
                    "InvalidGlobalClusterStateFault",
                    "Global cluster " + id + " is already switching over or failing over.");
        }
        if (member.equals(g.writer)) {
            return error(
                    400,
                    "InvalidDBClusterStateFault",
                    "DBCluster " + target + " is already the primary of " + id + ".");
        }
        g.target = member;
        g.from = g.writer;
        g.step = 0;
        return new String[] {
            "200",
            "<SwitchoverGlobalClusterResponse xmlns=\"" + NS + "\"><SwitchoverGlobalClusterResult>"
                    + globalCluster("GlobalCluster", id, g) + "</SwitchoverGlobalClusterResult>" + metadata()
                    + "</SwitchoverGlobalClusterResponse>"
        };
    }

    private static String globalCluster(String element, String id, Global g) {
        StringBuilder xml =
                new StringBuilder("<" + element + "><GlobalClusterIdentifier>" + id + "</GlobalClusterIdentifier>"
                        + "<GlobalClusterArn>arn:aws:rds::" + ACCOUNT + ":global-cluster:" + id + "</GlobalClusterArn>"
                        + "<Status>" + (g.target == null ? "available" : "switching-over") + "</Status>"
                        + "<Engine>aurora-postgresql</Engine><GlobalClusterMembers>");
        for (String m : g.members) {
            boolean writer = m.equals(g.writer);
            xml.append("<GlobalClusterMember><DBClusterArn>").append(m).append("</DBClusterArn>");
            if (writer) {
                xml.append("<Readers>");
                g.members.stream()
                        .filter(r -> !r.equals(m))
                        .forEach(r -> xml.append("<member>").append(r).append("</member>"));
                xml.append("</Readers>");
            }
            xml.append("<IsWriter>")
                    .append(writer)
                    .append("</IsWriter>")
                    .append(writer ? "" : "<SynchronizationStatus>connected</SynchronizationStatus>")
                    .append("</GlobalClusterMember>");
        }
        xml.append("</GlobalClusterMembers>");
        if (g.target != null) {
            xml.append("<FailoverState><Status>")
                    .append(g.step == 0 ? "pending" : "switching-over")
                    .append("</Status><FromDbClusterArn>")
                    .append(g.from)
                    .append("</FromDbClusterArn><ToDbClusterArn>")
                    .append(g.target)
                    .append("</ToDbClusterArn><IsDataLossAllowed>false</IsDataLossAllowed></FailoverState>");
        }
        return xml.append("</").append(element).append(">").toString();
    }

    private static String[] only(Map<String, String> form, Set<String> allowed) {
        for (String key : form.keySet()) {
            if (!key.equals("Action") && !key.equals("Version") && !allowed.contains(key)) {
                return invalid(form.get("Action") + " takes no parameter " + key + " (it takes "
                        + new java.util.TreeSet<>(allowed) + ")");
            }
        }
        return null;
    }

    private static String[] invalid(String message) {
        return error(400, "InvalidParameterCombination", message);
    }

    private static String[] error(int status, String code, String message) {
        return new String[] {
            String.valueOf(status),
            "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message
                    + "</Message></Error><RequestId>baran-test</RequestId></ErrorResponse>"
        };
    }

    private static String metadata() {
        return "<ResponseMetadata><RequestId>baran-test</RequestId></ResponseMetadata>";
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new TreeMap<>();
        if (body == null || body.isBlank()) {
            return form;
        }
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }
}
