package io.baran.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The production Kafka ACLs (k8s/overlays/prod/kafka/acls.txt): one principal per service, and only the detectors may
 * write verdicts and outage events. system-tests' SaslSslPathIT enforces the same file on a real broker.
 */
class KafkaAclsTest {

    private static final String FILE = "k8s/overlays/prod/kafka/acls.txt";
    private static final Set<String> RESOURCES = Set.of("topic", "group", "transactional-id", "cluster");
    private static final Set<String> PATTERNS = Set.of("literal", "prefixed");
    private static final Set<String> OPERATIONS = Set.of(
            "Read",
            "Write",
            "Create",
            "Describe",
            "Alter",
            "Delete",
            "DescribeConfigs",
            "AlterConfigs",
            "IdempotentWrite");

    /** One line: principal, resource type, pattern, name, operations. */
    record Acl(String principal, String resource, String pattern, String name, List<String> operations) {}

    static List<Acl> acls() {
        List<Acl> acls = new ArrayList<>();
        for (String line : Repo.read(FILE).split("\n")) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] f = text.split("\\s+");
            assertEquals(5, f.length, FILE + ": not principal, resource, pattern, name, operations: " + line);
            acls.add(new Acl(f[0], f[1], f[2], f[3], List.of(f[4].split(","))));
        }
        return acls;
    }

    @Test
    void everyLineIsAnAclKafkaAclsUnderstands() {
        List<String> problems = new ArrayList<>();
        for (Acl acl : acls()) {
            if (!RESOURCES.contains(acl.resource())) {
                problems.add(acl + ": resource type " + acl.resource());
            }
            if (!PATTERNS.contains(acl.pattern())) {
                problems.add(acl + ": pattern " + acl.pattern());
            }
            acl.operations().stream()
                    .filter(o -> !OPERATIONS.contains(o))
                    .forEach(o -> problems.add(acl + ": operation " + o));
        }
        assertEquals(List.of(), problems);
        assertTrue(
                Repo.read("k8s/overlays/prod/kafka/apply-acls.sh").contains("acls.txt"),
                "apply-acls.sh applies acls.txt");
    }

    @Test
    void eachServiceIsItsOwnPrincipal() {
        Set<String> principals = new TreeSet<>();
        acls().forEach(a -> principals.add(a.principal()));
        assertEquals(Set.of("baran-detector", "baran-orchestrator", "baran-worker"), principals);
    }

    @Test
    void onlyTheDetectorsMayWriteVerdictsAndOutageEventsAndTheOrchestratorReadsThem() {
        for (String topic : List.of("baran.health-events", "baran.vantage-verdicts")) {
            Set<String> writers = new TreeSet<>();
            acls().stream()
                    .filter(a -> a.resource().equals("topic")
                            && a.name().equals(topic)
                            && a.operations().contains("Write"))
                    .forEach(a -> writers.add(a.principal()));
            assertEquals(Set.of("baran-detector"), writers, "who may write " + topic);
            assertTrue(
                    acls().stream()
                            .noneMatch(a -> a.resource().equals("topic")
                                    && a.pattern().equals("prefixed")
                                    && topic.startsWith(a.name())
                                    && a.operations().contains("Write")),
                    "a prefixed ACL lets someone write " + topic);
        }
        assertTrue(
                acls().contains(new Acl(
                        "baran-orchestrator", "topic", "literal", "baran.health-events", List.of("Read"))),
                "the orchestrator reads the outage events");
    }
}
