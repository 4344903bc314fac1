package io.baran.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProbeEndpointTest {

    private static ProbeEndpoint parse(String url) {
        return ProbeEndpoint.parse(url, Optional.empty(), "us-east-1");
    }

    private static String refused(String url) {
        return assertThrows(IllegalArgumentException.class, () -> parse(url)).getMessage();
    }

    @Test
    void theSchemeSaysWhichProbe() {
        assertEquals(new ProbeEndpoint.Tcp("127.0.0.1", 5432), parse("tcp://127.0.0.1:5432"));
        assertEquals(
                new ProbeEndpoint.Dns("127.0.0.1", 53, "www.example.com", "A"),
                parse("dns://127.0.0.1/www.example.com"));
        assertEquals(
                new ProbeEndpoint.Dns("10.0.0.2", 5353, "www.example.com", "CNAME"),
                parse("DNS://10.0.0.2:5353/www.example.com?type=cname"));
        assertEquals(
                new ProbeEndpoint.S3("canaries", "baran/canary.txt", Optional.empty(), "us-east-1"),
                parse("s3://canaries/baran/canary.txt"));
        assertEquals("https", parse("https://example.com/healthz").kind());
        assertEquals(
                new ProbeEndpoint.Gcs("canaries", "baran/canary.txt", Optional.empty()),
                parse("gs://canaries/baran/canary.txt"));
        assertEquals(
                new ProbeEndpoint.Gcs("my_bucket.example.com", "c.txt", Optional.empty()),
                parse("gs://my_bucket.example.com/c.txt"));
        ProbeEndpoint.Azure azure = (ProbeEndpoint.Azure) ProbeEndpoint.parse(
                "az://canaries/baran/canary.txt", Optional.empty(), "us-east-1", "shopdr", "BARAN_KEY");
        assertEquals(
                new ProbeEndpoint.Azure("canaries", "baran/canary.txt", "shopdr", "BARAN_KEY", Optional.empty()),
                azure);
        assertEquals("https://shopdr.blob.core.windows.net", azure.serviceEndpoint());
        assertEquals("az://canaries/baran/canary.txt (account shopdr)", azure.shown());
    }

    @Test
    void refusesCanaryUrlsThatNameNoValidBucketOrContainer() {
        assertTrue(refused("gs://canaries")
                .contains("names no bucket and object (write it like gs://bucket/canary/baran.txt)"));
        assertTrue(
                refused("gs://Canaries/k").contains("\"Canaries\" is not a Cloud Storage bucket name"),
                refused("gs://Canaries/k"));
        assertTrue(refused("gs://" + "b".repeat(64) + "/k").contains("is not a Cloud Storage bucket name"));
        assertTrue(refused("az://canaries").contains("names no container and blob"));
        assertTrue(refused("az://can--aries/k").contains("\"can--aries\" is not a Blob Storage container name"));
        assertTrue(refused("az://ca/k").contains("is not a Blob Storage container name"));
        String withKey = refused("az://acct:c2VjcmV0@canaries/k");
        assertTrue(withKey.contains("the account key comes only from the environment variable"), withKey);
        assertFalse(withKey.contains("c2VjcmV0"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> ProbeEndpoint.parse("gs://canaries/k", Optional.of("ftp://x"), "us-east-1"))
                .getMessage()
                .contains("endpoint \"ftp://x\" is not an http or https URL without credentials"));
    }

    @Test
    void whatIsShownNeverHoldsCredentials() {
        assertEquals(
                "http://example.com/healthz",
                parse("http://u:pw@example.com/healthz").shown());
        assertEquals(
                "dns://[::1]:53/a.example?type=AAAA",
                parse("dns://[::1]/a.example?type=AAAA").shown());
        ProbeEndpoint s3 = ProbeEndpoint.parse("s3://b/k", Optional.of("http://127.0.0.1:5000"), "eu-west-1");
        assertEquals("s3://b/k via http://127.0.0.1:5000", s3.shown());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:5000")), ((ProbeEndpoint.S3) s3).endpoint());
    }

    @Test
    void refusesWhatItCannotProbeSayingHowToWriteIt() {
        assertTrue(refused("tcp://127.0.0.1").contains("has no port (write it like tcp://host:port)"));
        assertTrue(refused("tcp://127.0.0.1:80/path").contains("has a path"));
        assertTrue(refused("dns://127.0.0.1/").contains("names no single domain name"));
        assertTrue(refused("dns://127.0.0.1/a.example?type=MX")
                .contains("type MX is not supported (use one of A, AAAA, CNAME, TXT)"));
        assertTrue(refused("dns://127.0.0.1/a.example?tpye=A").contains("unknown parameter tpye"));
        assertTrue(refused("s3://bucket").contains("names no bucket and key"));
        String withCredentials = refused("s3://AKIA:secret@bucket/key");
        assertTrue(withCredentials.contains("S3 credentials come only from the environment"), withCredentials);
        assertFalse(withCredentials.contains("secret"));
        assertTrue(refused("ftp://example.com/").contains("not an absolute http or https URL"));
    }
}
