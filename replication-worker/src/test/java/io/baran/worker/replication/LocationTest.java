package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LocationTest {

    @Test
    void aBucketWithoutPrefixReplicatesEveryKey() {
        Location at = Location.parse("aws-main:s3://shop-assets");
        assertEquals(new Location("aws-main", "s3", "shop-assets", ""), at);
        assertEquals("s3", at.storeType());
        assertEquals("img/a.png", at.key("img/a.png"));
        assertEquals("aws-main:s3://shop-assets", at.toString());
    }

    @Test
    void aPrefixIsAFolderAndKeysMapFolderToFolder() {
        Location at = Location.parse("gcp-dr:gs://dr-assets/from-aws/");
        assertEquals("from-aws/", at.root());
        assertEquals("from-aws/img/a.png", at.key("img/a.png"));
        assertEquals("img/a.png", at.relative("from-aws/img/a.png"));
        assertEquals(null, at.relative("elsewhere/a.png"));
        assertEquals("gcp-dr:gs://dr-assets/from-aws", at.toString());
        assertEquals(at, Location.parse("gcp-dr:gs://dr-assets/from-aws"), "a trailing slash changes nothing");
    }

    @Test
    void eachSchemeNamesItsStoreType() {
        assertEquals("gcs", Location.parse("g:gs://b").storeType());
        assertEquals("azure", Location.parse("a:az://container").storeType());
        assertEquals("filesystem", Location.parse("onprem:file://assets").storeType());
    }

    @Test
    void whatIsNotALocationIsRefusedSayingWhy() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Location.parse("s3://shop-assets"));
        assertTrue(e.getMessage().contains("<store>:<scheme>://<bucket>"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Location.parse("aws-main:ftp://shop-assets"));
        assertEquals("\"aws-main:ftp://shop-assets\": scheme ftp is not one of s3, gs, az, file", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Location.parse("aws-main:s3://b//x"));
        assertEquals(
                "\"onprem:file://b/dr/../public\": the prefix has a . or .. folder name",
                assertThrows(IllegalArgumentException.class, () -> Location.parse("onprem:file://b/dr/../public"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Location.parse("onprem:file://b/./public"));
        assertThrows(IllegalArgumentException.class, () -> Location.parse("onprem:file://b/.."));
        assertEquals("..a/", Location.parse("onprem:file://b/..a").root(), "a name that only starts with dots is one");
    }
}
