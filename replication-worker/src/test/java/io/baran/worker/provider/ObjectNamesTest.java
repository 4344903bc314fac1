package io.baran.worker.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectNamesTest {

    @Test
    void ordinaryNamesPass() {
        assertEquals(List.of(), ObjectNames.problems("shop-assets", "img/2026/logo.png"));
        assertEquals(List.of(), ObjectNames.problems("a.b-c", "x"));
    }

    @Test
    void namesThatCouldEscapeAFileSystemRootOrBreakACopyAreRefused() {
        assertTrue(ObjectNames.problems("shop", "../secret").get(0).contains("\"..\" segment"));
        assertTrue(ObjectNames.problems("shop", "/etc/passwd").get(0).contains("empty path segment"));
        assertTrue(ObjectNames.problems("shop", "a\\b").get(0).contains("backslash"));
        assertTrue(ObjectNames.problems("shop", "").get(0).contains("1 to 1024 bytes"));
        assertTrue(ObjectNames.problems("Shop_Assets", "x").get(0).contains("not a bucket name"));
        assertTrue(ObjectNames.problems("..", "x").get(0).contains("not a bucket name"));
    }
}
