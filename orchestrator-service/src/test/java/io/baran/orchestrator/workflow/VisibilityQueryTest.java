package io.baran.orchestrator.workflow;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VisibilityQueryTest {

    @Test
    void aPlainValueIsQuoted() {
        assertEquals("BaranIncidents = 'aws/us-east-1@1712'", VisibilityQuery.equalTo("BaranIncidents", "aws/us-east-1@1712"));
    }

    @Test
    void quotesAndBackslashesInAValueCannotEndTheLiteral() {
        assertEquals("'x\\' OR ExecutionStatus = \\'Running'", VisibilityQuery.quoted("x' OR ExecutionStatus = 'Running"));
        assertEquals("'a\\\\\\' b'", VisibilityQuery.quoted("a\\' b"));
        assertEquals("'line\\nbreak'", VisibilityQuery.quoted("line\nbreak"));
    }

    @Test
    void aMissingValueIsRefusedRatherThanMatchingAnything() {
        assertThrows(IllegalArgumentException.class, () -> VisibilityQuery.quoted(null));
    }
}
