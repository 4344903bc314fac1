package io.baran.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunbookParserTest {

    private final RunbookParser parser = new RunbookParser();

    private static final String VALID = """
            apiVersion: baran.io/v1
            kind: Runbook
            metadata:
              name: demo-web
              description: Move demo traffic to the standby.
            spec:
              protects: demo-web
              trigger:
                outage: { scope: local/demo, services: [web] }
              failover:
                - name: move-traffic
                  action: dns.switch
                  with: { provider: aws-local, zone: example.com, record: www, type: CNAME, to: standby.example.net, ttl: 60 }
                - parallel:
                    - name: standby-answers
                      action: health.check
                      with: { url: "http://127.0.0.1:8092/healthz", within: 30s }
                    - name: settle
                      action: wait
                      with: { for: 1s }
              failback:
                when: { recovered: true, stableFor: 15m }
                approval: none
                steps: reverse
            """;

    @Test
    void aValidRunbookIsReadWithEveryField() {
        Runbook rb = parser.parse("demo.yaml", VALID);
        assertEquals("demo-web", rb.name());
        assertEquals("demo-web", rb.protects());
        assertEquals("local/demo", rb.trigger().scope());
        assertEquals(List.of("web"), rb.trigger().services());
        assertEquals(2, rb.failover().size());
        assertTrue(rb.failover().get(1).isParallel());
        assertEquals(
                List.of("move-traffic", "standby-answers", "settle"),
                rb.actionSteps().stream().map(Step::name).toList());
        assertEquals(
                Map.of(
                        "provider",
                        "aws-local",
                        "zone",
                        "example.com",
                        "record",
                        "www",
                        "type",
                        "CNAME",
                        "to",
                        "standby.example.net",
                        "ttl",
                        60L),
                rb.failover().get(0).with());
        assertEquals("15m", rb.failback().stableFor());
        assertEquals("none", rb.failback().approval());
        assertEquals(64, rb.sha256().length());
    }

    @Test
    void everyErrorIsReportedAtOnceWithLineColumnAndPath() {
        String yaml = """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: Demo_Web
                spec:
                  protects: demo-web
                  trigerr: {}
                  failover:
                    - name: move-traffic
                      action: dns.swich
                    - name: move-traffic
                      action: health.check
                      with: { url: http://x, within: 24hours, expect: ok }
                    - parallel:
                        - name: only-one
                          action: wait
                          with: { for: 1s }
                """;
        var errors = parser.validate("runbooks/demo.yaml", yaml).stream()
                .map(RunbookError::toString)
                .toList();
        assertEquals(
                List.of(
                        "runbooks/demo.yaml:4:9 metadata.name: \"Demo_Web\" is not a valid name (lower-case letters, digits and -, at most 63, e.g. move-traffic)",
                        "runbooks/demo.yaml:7:3 spec.trigerr: unknown field (did you mean trigger?); known fields: protects, priority, objectives, parameters, trigger, access, drills, failover, failback",
                        "runbooks/demo.yaml:10:15 spec.failover[0].action: unknown action \"dns.swich\" (did you mean dns.switch?); actions: dns.switch, dns.set-weights, health.check, wait, cdn.extend-ttl, database.promote-replica, database.switchover, storage.check-replica, storage.failover, approval, notify",
                        "runbooks/demo.yaml:11:13 spec.failover[1].name: \"move-traffic\" is already the name of the step at line 9; step names must be unique",
                        "runbooks/demo.yaml:13:38 spec.failover[1].with.within: \"24hours\" is not a duration (use 24h)",
                        "runbooks/demo.yaml:13:55 spec.failover[1].with.expect: must be a whole number, not the text \"ok\"",
                        "runbooks/demo.yaml:15:9 spec.failover[2].parallel: needs at least two steps (a single step needs no parallel group)"),
                errors);
    }

    @Test
    void aDurationLongerThanARunbookMayNameIsRefusedWhereItIsWritten() {
        // Temporal refuses a timer of about 10,000 years in the middle of a failover; the parser refuses it first.
        String yaml = VALID.replace("with: { for: 1s }", "with: { for: 4000000d }")
                .replace("stableFor: 15m", "stableFor: 366d");
        var e = assertThrows(RunbookInvalidException.class, () -> parser.parse("r.yaml", yaml));
        assertEquals(
                List.of(
                        "r.yaml:20:24 spec.failover[1].parallel[1].with.for: \"4000000d\" is longer than 365d, the"
                                + " longest duration a runbook may name",
                        "r.yaml:22:41 spec.failback.when.stableFor: \"366d\" is longer than 365d, the longest"
                                + " duration a runbook may name"),
                e.errors().stream().map(Object::toString).toList());
        assertEquals(
                java.time.Duration.ofDays(365),
                Durations.parse(parser.parse("r.yaml", VALID.replace("stableFor: 15m", "stableFor: 365d"))
                        .failback()
                        .stableFor()));
    }

    @Test
    void aHealthCheckUrlWithCredentialsIsRefusedWithoutRepeatingThem() {
        String yaml = VALID.replace("http://127.0.0.1:8092/healthz", "http://ops:Secret-7@127.0.0.1:8092/healthz");
        var e = assertThrows(RunbookInvalidException.class, () -> parser.parse("r.yaml", yaml));
        assertEquals(1, e.errors().size(), e.errors().toString());
        assertEquals("spec.failover[1].parallel[0].with.url", e.errors().get(0).path());
        assertTrue(
                e.errors().get(0).message().startsWith("carries user-info"),
                e.errors().get(0).message());
        assertTrue(
                !e.getMessage().contains("Secret-7") && !e.errors().toString().contains("Secret-7"));
        // An @ after the host is no user-info.
        assertTrue(parser.validate("r.yaml", VALID.replace("/healthz", "/users/@me/healthz"))
                .isEmpty());
    }

    @Test
    void anAliasInsideTheCollectionItNamesIsAnErrorNotAnEndlessWalk() {
        String yaml = VALID.replace(
                "with: { url: \"http://127.0.0.1:8092/healthz\", within: 30s }",
                "with: { url: &u [ *u ], within: 30s }");
        var e = assertThrows(RunbookInvalidException.class, () -> parser.parse("r.yaml", yaml));
        assertEquals(1, e.errors().size(), e.errors().toString());
        assertTrue(
                e.errors()
                        .get(0)
                        .toString()
                        .startsWith("r.yaml:17:24 YAML: an alias refers to the anchored collection"),
                e.errors().get(0).toString());
        // Aliases that do not contain themselves are still read.
        String shared = VALID.replace("with: { for: 1s }", "with: &w { for: 1s }")
                .replace("approval: none", "approval: none\n  x-unused: *w");
        assertTrue(parser.validate("r.yaml", shared).stream()
                .noneMatch(err -> err.message().contains("alias")));
    }

    @Test
    void aRequiredWithFieldNamesTheActionAndWhatItIs() {
        String yaml = VALID.replace("to: standby.example.net, ", "");
        var e = assertThrows(RunbookInvalidException.class, () -> parser.parse("r.yaml", yaml));
        assertEquals(1, e.errors().size());
        assertEquals(
                "r.yaml:13:13 spec.failover[0].with.to: is required by dns.switch (the new value, or a list of values)",
                e.errors().get(0).toString());
    }

    /** Names every provider would refuse at apply, in the middle of a failover, are errors where they are written. */
    @Test
    void aCnameAtTheZonesApexAndANameTooLongForDnsAreErrorsNamingTheRecordField() {
        for (String apex : List.of("\"@\"", "example.com", "example.com.")) {
            String yaml = VALID.replace("record: www,", "record: " + apex + ",");
            var e = assertThrows(RunbookInvalidException.class, () -> parser.parse("r.yaml", yaml), apex);
            assertEquals(1, e.errors().size(), e.errors().toString());
            assertTrue(
                    e.errors()
                            .get(0)
                            .toString()
                            .matches("r\\.yaml:13:\\d+ spec\\.failover\\[0]\\.with\\.record: .* is the zone's apex,"
                                    + " which cannot hold a CNAME record"),
                    e.errors().get(0).toString());
        }
        String apexA = VALID.replace("record: www,", "record: \"@\",")
                .replace("type: CNAME, to: standby.example.net", "type: A, to: 192.0.2.1");
        assertEquals(List.of(), parser.validate("r.yaml", apexA), "an A record at the apex is fine");

        String label = "x".repeat(64);
        var longLabel = assertThrows(
                RunbookInvalidException.class,
                () -> parser.parse("r.yaml", VALID.replace("record: www,", "record: " + label + ",")));
        assertTrue(
                longLabel.errors().get(0).toString().contains("has a label of 64 characters, more than DNS's 63"),
                longLabel.errors().get(0).toString());
        String name = String.join(".", java.util.Collections.nCopies(5, "y".repeat(60)));
        var longName = assertThrows(
                RunbookInvalidException.class,
                () -> parser.parse("r.yaml", VALID.replace("record: www,", "record: " + name + ",")));
        assertTrue(
                longName.errors().get(0).toString().contains("more than a DNS name's 253"),
                longName.errors().get(0).toString());
    }

    @Test
    void priorityIsATierWrittenAsANumberOrATierName() {
        assertEquals(Runbook.DEFAULT_PRIORITY, parser.parse("r.yaml", VALID).tier());
        assertEquals(0, parser.parse("r.yaml", VALID).priority());
        for (String written : List.of("1", "tier-1", "\"1\"")) {
            Runbook runbook = parser.parse("r.yaml", withPriority(written));
            assertEquals(1, runbook.priority(), written);
            assertEquals(1, runbook.tier(), written);
        }
        assertEquals(5, parser.parse("r.yaml", withPriority("tier-5")).tier());
        var errors = parser.validate("r.yaml", withPriority("tier-6"));
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("spec.priority", errors.get(0).path());
    }

    private static String withPriority(String written) {
        return VALID.replaceFirst("(?m)^(  protects: .*)$", "$1\n  priority: " + written);
    }

    @Test
    void anActionNotBuiltYetIsRefusedAtLoadNotAtOutage() {
        ActionType planned = new ActionType(ActionSpec.builder("page", "Pages someone.")
                .required("who", ActionSpec.Type.STRING, "whom to page")
                .notImplementedYet()
                .build()) {};
        var catalog = ActionCatalog.of(java.util.stream.Stream.concat(
                        ActionCatalog.standard().types().stream(), java.util.stream.Stream.of(planned))
                .toList());
        String yaml = VALID.replace("action: wait", "action: page").replace("{ for: 1s }", "{ who: ops }");
        var errors = new RunbookParser(catalog).validate("r.yaml", yaml);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(
                errors.get(0)
                        .message()
                        .contains("action \"page\" is part of the runbook format but not implemented yet"),
                errors.toString());
    }

    @Test
    void notifyNamesAChannelAndMayBeRequired() {
        String yaml = VALID.replace("action: wait", "action: notify")
                .replace("{ for: 1s }", "{ channel: oncall, message: failing over, required: true }");
        assertEquals(List.of(), parser.validate("r.yaml", yaml));
        var errors = parser.validate("r.yaml", yaml.replace("required: true", "required: maybe"));
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).toString().contains("with.required"), errors.toString());
    }

    @Test
    void yamlSyntaxErrorsCarryTheirPosition() {
        var errors = parser.validate("bad.yaml", "apiVersion: baran.io/v1\nkind: [Runbook\nmetadata: {}\n");
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).toString().startsWith("bad.yaml:3:"), errors.toString());
        assertTrue(errors.get(0).message().startsWith("YAML syntax"), errors.toString());
    }

    @Test
    void binaryAndOversizedInputIsRefusedBeforeParsing() {
        assertEquals(
                "is binary, not YAML text",
                parser.validate("b.yaml", "a\0b").get(0).message());
        String big = "# " + "x".repeat(RunbookParser.MAX_BYTES) + "\n";
        assertTrue(parser.validate("big.yaml", big).get(0).message().startsWith("is larger than"));
    }

    @Test
    void triggerMatchesTheScopeAndItsListedServicesOnly() {
        Trigger t = new Trigger("aws/us-east-1", List.of("s3", "rds"), "none");
        assertTrue(t.matches("aws/us-east-1"));
        assertTrue(t.matches("aws/us-east-1/s3"));
        assertTrue(t.matches("aws/us-east-1/rds/orders"));
        assertFalse(t.matches("aws/us-east-1/ec2"));
        assertFalse(t.matches("aws/us-east-10/s3"));
        assertFalse(t.matches("aws"));
        assertTrue(new Trigger("local/demo", List.of(), "none").matches("local/demo/anything"));
    }

    @Test
    void aBadFileInAFolderStopsNothingElseFromLoading(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a-good.yaml"), VALID);
        Files.writeString(dir.resolve("b-bad.yaml"), "apiVersion: baran.io/v1\nkind: Runbook\n");
        Files.writeString(dir.resolve("c-same-name.yaml"), VALID);
        Files.writeString(dir.resolve("notes.txt"), "not a runbook");

        var loaded = new RunbookDirectory(parser).load(dir);

        assertEquals(
                List.of("demo-web"),
                loaded.runbooks().stream().map(Runbook::name).toList());
        var messages = loaded.errors().stream().map(RunbookError::toString).toList();
        assertEquals(3, messages.size(), messages.toString());
        assertTrue(messages.get(0).endsWith("b-bad.yaml:1:1 metadata: is required"), messages.toString());
        assertTrue(messages.get(1).endsWith("b-bad.yaml:1:1 spec: is required"), messages.toString());
        assertTrue(
                messages.get(2)
                        .contains("c-same-name.yaml metadata.name: \"demo-web\" is already the name of the runbook in"),
                messages.toString());
    }

    @Test
    void durationsAcceptCompoundUnits() {
        assertEquals(java.time.Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(java.time.Duration.ofMillis(500), Durations.parse("500ms"));
        assertTrue(Durations.tryParse("5 minutes").isEmpty());
        assertEquals("5m", Durations.suggest("5 minutes"));
    }

    @Test
    void anAccessBlockIsReadIntoTheGroupsAndTheNumberOfApprovals() {
        String yaml = VALID.replace("  failover:\n", """
                  access:
                    drill: [drill-operator, team-storefront]
                    failover: [failover-operator]
                    approve: [approver, "sre@example.com", "/org/sre"]
                    approvals: 2
                  failover:
                """);
        Access access = parser.parse("r.yaml", yaml).access();
        assertEquals(
                new Access(
                        List.of("drill-operator", "team-storefront"),
                        List.of("failover-operator"),
                        List.of("approver", "sre@example.com", "/org/sre"),
                        2),
                access);
        assertTrue(access.mayDrill(List.of("team-storefront")));
        assertFalse(access.mayFailover(List.of("drill-operator")));
    }

    @Test
    void objectivesAreReadAsDurationsAndAbsentObjectivesAreNone() {
        Runbook withBoth = parser.parse(
                "r.yaml", VALID.replace("  failover:\n", "  objectives: { rto: 5m, rpo: 1m }\n  failover:\n"));
        assertEquals(new Objectives("5m", "1m"), withBoth.objectives());
        assertEquals(
                java.time.Duration.ofMinutes(5),
                withBoth.objectives().rtoDuration().orElseThrow());
        Runbook rpoOnly =
                parser.parse("r.yaml", VALID.replace("  failover:\n", "  objectives:\n    rpo: 0s\n  failover:\n"));
        assertTrue(rpoOnly.objectives().rtoDuration().isEmpty());
        assertEquals(java.time.Duration.ZERO, rpoOnly.objectives().rpoDuration().orElseThrow());
        assertTrue(parser.parse("r.yaml", VALID).objectives().isEmpty());
    }

    /** YAML 1.1 reads 0x2 as an integer: the error says to write decimal digits, not that the number is too large. */
    @Test
    void aWholeNumberInAnotherNotationIsRefusedAsSuch() {
        String yaml = VALID.replace("  failover:\n", "  access:\n    approvals: 0x2\n  failover:\n");
        var errors = parser.validate("r.yaml", yaml);
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("spec.access.approvals", errors.get(0).path());
        assertTrue(errors.get(0).message().contains("\"0x2\" must be written in decimal digits"), errors.toString());
        assertEquals(
                2,
                parser.parse("r.yaml", VALID.replace("  failover:\n", "  access:\n    approvals: 2\n  failover:\n"))
                        .access()
                        .approvals());
    }

    @Test
    void anAccessBlockWithoutApprovalsNeedsOneAndAMissingListAllowsNobody() {
        String yaml = VALID.replace("  failover:\n", "  access:\n    drill: [drill-operator]\n  failover:\n");
        assertEquals(
                new Access(List.of("drill-operator"), List.of(), List.of(), 1),
                parser.parse("r.yaml", yaml).access());
    }

    @Test
    void aRunbookWithoutAccessIsDeniedToEverybodyButAnAdmin() {
        Runbook rb = parser.parse("r.yaml", VALID);
        assertEquals(Access.NONE, rb.access());
        assertFalse(rb.access().mayDrill(List.of("drill-operator", "admin")));
        assertFalse(rb.access().mayFailover(List.of("failover-operator")));
        assertFalse(rb.access().mayApprove(List.of("approver")));
    }

    @Test
    void theTriggerApprovalTimeoutIsReadAndChecked() {
        String yaml = VALID.replace(
                "outage: { scope: local/demo, services: [web] }",
                "outage: { scope: local/demo, services: [web] }\n    approval: required\n    approvalTimeout: 20m");
        assertEquals("20m", parser.parse("r.yaml", yaml).trigger().approvalTimeout());
        var errors = parser.validate("r.yaml", yaml.replace("approvalTimeout: 20m", "approvalTimeout: soon"));
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("spec.trigger.approvalTimeout", errors.get(0).path());
    }

    @Test
    void aConfiguredEgressPolicyRefusesLiteralAddressesItDoesNotAllowAndLeavesNamesToRunTime() {
        var egress = io.baran.egress.EgressPolicy.defaults()
                .allowing(List.of("127.0.0.1"))
                .withResolver(host -> {
                    throw new AssertionError("a runbook is checked without lookups, but " + host + " was looked up");
                });
        var checked = new RunbookParser(ActionCatalog.standard(egress));
        assertEquals(List.of(), checked.validate("demo.yaml", VALID));
        String yaml = VALID.replace("http://127.0.0.1:8092/healthz", "http://10.0.0.7:8092/healthz");
        assertEquals(
                List.of(
                        "private.yaml:17:24 spec.failover[1].parallel[0].with.url: 10.0.0.7 is a private address (10.0.0.0/8):"
                                + " refused by the egress policy (rule private; allow-list it in baran.egress.allow if this service must call it)"),
                checked.validate("private.yaml", yaml).stream()
                        .map(RunbookError::toString)
                        .toList());
        assertEquals(List.of(), checked.validate("name.yaml", VALID.replace("127.0.0.1", "standby.internal.example")));
        // Without a configured policy only metadata and link-local addresses are refused: loopback depends on where it
        // runs.
        assertEquals(List.of(), parser.validate("private.yaml", yaml));
    }
}
