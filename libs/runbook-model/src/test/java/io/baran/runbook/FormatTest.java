package io.baran.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.runbook.action.DnsSwitch;
import io.baran.runbook.action.Wait;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The parts of the format beyond the walking skeleton: parameters, retry, explicit failback, providers. */
class FormatTest {

    private final RunbookParser parser = new RunbookParser(ActionCatalog.standard(), TestFiles.providers());

    private static String runbook(String parameters, String failover, String failback) {
        return """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: shop
                spec:
                  protects: shop
                """ + parameters + "  failover:\n" + failover + failback;
    }

    @Test
    void aWholeReferenceTakesTheParameterValueWithItsTypeAndAPartialOneItsText() {
        Runbook rb = parser.parse("p.yaml", runbook("""
                  parameters:
                    zone: { default: example.com, description: the zone }
                    ttl: { default: 30 }
                    targets: { default: [192.0.2.1, 192.0.2.2] }
                """, """
                    - name: move
                      action: dns.switch
                      with: { provider: aws-main, zone: "${zone}", record: www, type: A, to: "${targets}", ttl: "${ttl}" }
                    - name: check
                      action: health.check
                      with: { url: "https://www.${zone}/healthz" }
                    - name: note
                      action: dns.switch
                      with: { provider: aws-main, zone: "${zone}", record: note, type: TXT, to: "moved by $${runbook}" }
                """, ""));
        assertEquals(
                Map.of(
                        "provider",
                        "aws-main",
                        "zone",
                        "example.com",
                        "record",
                        "www",
                        "type",
                        "A",
                        "to",
                        List.of("192.0.2.1", "192.0.2.2"),
                        "ttl",
                        30L),
                rb.step("move").with());
        assertEquals("https://www.example.com/healthz", rb.step("check").with().get("url"));
        assertEquals("moved by ${runbook}", rb.step("note").with().get("to"));
        assertEquals(
                List.of(
                        new Parameter("zone", "the zone", "example.com"),
                        new Parameter("ttl", null, 30L),
                        new Parameter("targets", null, List.of("192.0.2.1", "192.0.2.2"))),
                rb.parameters());
    }

    private static final String WITH_PARAMETERS = runbook("""
              parameters:
                zone: { default: example.com, description: the zone, overridable: true }
                ttl: { default: 30, overridable: true }
                targets: { default: [192.0.2.1, 192.0.2.2], overridable: true }
                record: { default: www }
            """, """
                - name: move
                  action: dns.switch
                  with: { provider: aws-main, zone: "${zone}", record: "${record}", type: A, to: "${targets}", ttl: "${ttl}" }
                - name: check
                  action: health.check
                  with: { url: "https://www.${zone}/healthz" }
            """, "");

    @Test
    void aRequestMaySetParametersForOneExecution() {
        Runbook rb = parser.parse(
                "p.yaml",
                WITH_PARAMETERS,
                "shop",
                Map.of("zone", "drill.example.com", "ttl", 45, "targets", List.of("198.51.100.7")));
        assertEquals(
                Map.of(
                        "provider",
                        "aws-main",
                        "zone",
                        "drill.example.com",
                        "record",
                        "www",
                        "type",
                        "A",
                        "to",
                        List.of("198.51.100.7"),
                        "ttl",
                        45L),
                rb.step("move").with());
        assertEquals(
                "https://www.drill.example.com/healthz", rb.step("check").with().get("url"));
        assertEquals(
                List.of(
                        new Parameter("zone", "the zone", "drill.example.com", true),
                        new Parameter("ttl", null, 45L, true),
                        new Parameter("targets", null, List.of("198.51.100.7"), true),
                        new Parameter("record", null, "www")),
                rb.parameters());
        assertEquals(parser.parse("p.yaml", WITH_PARAMETERS).sha256(), rb.sha256(), "the same source");
    }

    @Test
    void aRequestMayNotSetAParameterTheRunbookDoesNotMarkOverridable() {
        var e = assertThrows(
                RunbookInvalidException.class,
                () -> parser.parse(
                        "p.yaml",
                        WITH_PARAMETERS,
                        "shop",
                        new java.util.TreeMap<>(Map.of("record", "api", "zone", "drill.example.com"))));
        assertEquals(
                List.of(
                        "p.yaml:11:5 spec.parameters.record: parameter \"record\" is not overridable (mark it overridable: true in the runbook)"),
                e.errors().stream().map(RunbookError::toString).toList());

        Runbook allowed = parser.parse("p.yaml", WITH_PARAMETERS, "shop", Map.of("zone", "drill.example.com"));
        assertEquals("drill.example.com", allowed.step("move").with().get("zone"));
        assertEquals("www", allowed.step("move").with().get("record"));
    }

    @Test
    void aParameterIsNotOverridableUnlessTheRunbookSaysSo() {
        Runbook rb = parser.parse("p.yaml", WITH_PARAMETERS);
        assertEquals(
                List.of(true, true, true, false),
                rb.parameters().stream().map(Parameter::overridable).toList());
    }

    @Test
    void aRequestSettingAnUndeclaredParameterOrAnotherKindOfValueIsRefusedWithEveryProblem() {
        var e = assertThrows(
                RunbookInvalidException.class,
                () -> parser.parse(
                        "p.yaml",
                        WITH_PARAMETERS,
                        "shop",
                        new java.util.TreeMap<>(
                                Map.of("zome", "x.example.com", "ttl", "soon", "targets", "192.0.2.9"))));
        assertEquals(
                List.of(
                        "p.yaml:7:3 spec.parameters: the request sets parameter zome, which the runbook does not declare (did you mean zone?); declared: zone, ttl, targets, record",
                        "p.yaml:9:5 spec.parameters.ttl: the request sets ttl to \"soon\", but its default (30) is a whole number, and the value must be too",
                        "p.yaml:10:5 spec.parameters.targets: the request sets targets to \"192.0.2.9\", but its default ([192.0.2.1, 192.0.2.2]) is a list of texts, and the value must be too"),
                e.errors().stream().map(RunbookError::toString).toList());
    }

    @Test
    void aValueThatBreaksAStepIsReportedAtTheStep() {
        var e = assertThrows(
                RunbookInvalidException.class, () -> parser.parse("p.yaml", WITH_PARAMETERS, "shop", Map.of("ttl", 0)));
        assertEquals(1, e.errors().size(), e.errors().toString());
        assertTrue(e.errors().get(0).toString().contains("with.ttl"), e.errors().toString());
    }

    @Test
    void aRequestSettingParametersOfARunbookThatDeclaresNoneIsRefused() {
        String none = runbook("", """
                    - name: a
                      action: wait
                      with: { for: 1s }
                """, "");
        var e = assertThrows(
                RunbookInvalidException.class, () -> parser.parse("n.yaml", none, "shop", Map.of("zone", "x")));
        assertEquals(
                "n.yaml:6:3 spec.parameters: the request sets parameter zone, which the runbook does not declare; the runbook declares none",
                e.errors().get(0).toString());
    }

    @Test
    void retryTakesACountOrAttemptsWithBackoff() {
        Runbook rb = parser.parse("r.yaml", runbook("", """
                    - name: a
                      action: wait
                      with: { for: 1s }
                      retry: 3
                    - name: b
                      action: wait
                      with: { for: 1s }
                      retry: { attempts: 5, interval: 2s, maxInterval: 1m }
                      timeout: 10s
                      onFailure: continue
                """, ""));
        assertEquals(new Retry(3, "1s", "30s"), rb.step("a").retry());
        assertEquals(new Retry(5, "2s", "1m"), rb.step("b").retry());
        assertEquals("10s", rb.step("b").timeout());
        assertEquals("continue", rb.step("b").onFailure());
        assertNull(rb.step("a").timeout());
    }

    @Test
    void anExplicitFailbackListUndoesNamedStepsExactlyAndRunsActions() {
        Runbook rb = parser.parse("f.yaml", runbook("", """
                    - name: move-www
                      action: dns.switch
                      with: { provider: aws-main, zone: example.com, record: www, type: CNAME, to: standby.example.net }
                    - name: settle
                      action: wait
                      with: { for: 1s }
                """, """
                  failback:
                    approval: none
                    steps:
                      - parallel:
                          - undo: move-www
                          - name: tell
                            action: wait
                            with: { for: 2s }
                      - name: primary-answers
                        action: health.check
                        with: { url: "https://www.example.com/" }
                """));
        Failback failback = rb.failback();
        assertEquals(Failback.EXPLICIT, failback.steps());
        assertEquals(2, failback.explicitSteps().size());
        Step undo = failback.actionSteps().get(0);
        assertTrue(undo.isUndo());
        assertEquals("move-www", undo.undo());
        assertEquals("move-www", undo.name());
        assertEquals("dns.switch", undo.action());
        assertEquals(rb.step("move-www").with(), undo.with());
        assertEquals(
                List.of("move-www", "tell", "primary-answers"),
                failback.actionSteps().stream().map(Step::name).toList());
        assertEquals(
                List.of("move-www", "settle"),
                rb.actionSteps().stream().map(Step::name).toList());
    }

    @Test
    void reverseIsTheDefaultFailback() {
        Runbook rb = parser.parse(
                "d.yaml", runbook("", "    - name: settle\n      action: wait\n      with: { for: 1s }\n", ""));
        assertTrue(rb.failback().isReverse());
        assertEquals(List.of(), rb.failback().explicitSteps());
        assertEquals("required", rb.failback().approval());
    }

    @Test
    void withoutAProviderListProviderNamesAreNotChecked() {
        String yaml = runbook("", """
                    - name: move
                      action: dns.switch
                      with: { provider: nobody-knows, zone: example.com, record: www, type: CNAME, to: x.example.net }
                """, "");
        assertEquals(List.of(), new RunbookParser().validate("u.yaml", yaml));
        assertEquals(
                "unknown provider \"nobody-knows\"; configured providers: aws-local, aws-main, azure-dr, files, gcp-dr, gcp-main, onprem-dns",
                parser.validate("u.yaml", yaml).get(0).message());
    }

    @Test
    void providersAreReadFromPropertiesAsTheServicesSpellThem() {
        Properties p = new Properties();
        p.setProperty("baran.providers.\"aws-main\".type", "aws");
        p.setProperty("baran.providers.\"aws-main\".region", "eu-west-1");
        p.setProperty("baran.providers.dns-only.type", "aws");
        p.setProperty("baran.providers.dns-only.capabilities", "dns");
        p.setProperty("quarkus.http.port", "8080");
        ProviderCatalog catalog = ProviderCatalog.fromProperties(p);
        assertEquals(
                List.of("aws-main", "dns-only"),
                catalog.all().stream().map(ProviderCatalog.Provider::name).toList());
        assertTrue(catalog.find("aws-main").orElseThrow().can(Capability.CDN));
        assertTrue(catalog.find("dns-only").orElseThrow().can(Capability.DNS));
        assertTrue(!catalog.find("dns-only").orElseThrow().can(Capability.CDN));
    }

    @Test
    void aProviderOfAnUnknownTypeOrWithACapabilityItsTypeLacksIsAConfigurationError() {
        var unknownType = assertThrows(
                IllegalArgumentException.class, () -> ProviderCatalog.provider("x", "ibm", Optional.empty()));
        assertEquals(
                "provider \"x\" has type \"ibm\", which is not one of aws, gcp, azure, rfc2136, postgresql, filesystem",
                unknownType.getMessage());
        var lacking = assertThrows(
                IllegalArgumentException.class,
                () -> ProviderCatalog.provider("bind", "rfc2136", Optional.of(List.of("cdn"))));
        assertEquals(
                "provider \"bind\" lists capability cdn, which type rfc2136 does not have (it has dns)",
                lacking.getMessage());
    }

    @Test
    void theRegistryRefusesTwoActionsOfOneName() {
        var e = assertThrows(
                IllegalStateException.class,
                () -> ActionCatalog.of(List.of(new DnsSwitch(), new Wait(), new DnsSwitch())));
        assertTrue(e.getMessage().startsWith("action dns.switch is defined twice"), e.getMessage());
    }

    @Test
    void aRunbookTravelsAsJsonUnchangedAndOldShapesStillRead() throws Exception {
        ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        Runbook rb = parser.parse("j.yaml", RunbookReference.EXAMPLE).withVersion(7);
        Runbook back = json.readValue(json.writeValueAsString(rb), Runbook.class);
        // Numbers in with: come back as the smallest fitting type, as they do through Temporal's converter.
        assertEquals(json.writeValueAsString(rb), json.writeValueAsString(back));
        assertEquals(7, back.version());

        // What the walking skeleton wrote into workflow histories: no labels, parameters, retry, undo or version.
        String old = """
                {"name":"shop","description":null,"protects":"shop","trigger":{"scope":"a/b","services":[],"approval":"none"},
                 "failover":[{"name":"m","action":"dns.switch","with":{"record":"www"},"parallel":[],"timeout":null,"onFailure":"compensate"}],
                 "failback":{"onRecovered":true,"stableFor":"0s","approval":"none","steps":"reverse"},"sha256":"0","source":"t"}""";
        Runbook read = json.readValue(old, Runbook.class);
        assertEquals("reverse", read.failback().steps());
        assertEquals(List.of(), read.failback().explicitSteps());
        assertEquals(0, read.version());
        assertNull(read.step("m").retry());
        assertEquals(Access.NONE, read.access());

        // Before overridable and access: parameters without the flag are not overridable, and nobody but an admin may
        // act.
        String beforeAccess = """
                {"name":"shop","protects":"shop","parameters":[{"name":"zone","description":null,"defaultValue":"example.com"}],
                 "failover":[{"name":"m","action":"wait","with":{"for":"1s"}}],"sha256":"0","source":"t","version":3}""";
        Runbook earlier = json.readValue(beforeAccess, Runbook.class);
        assertEquals(List.of(new Parameter("zone", null, "example.com", false)), earlier.parameters());
        assertEquals(Access.NONE, earlier.access());
    }
}
