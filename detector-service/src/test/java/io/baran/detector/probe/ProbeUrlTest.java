package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProbeUrlTest {

    @Test
    void userInfoBecomesCredentialsAndLeavesTheShownUrl() {
        ProbeUrl url = ProbeUrl.parse("https://probe:s3cr%40t@status.example.com:8443/healthz?deep=1#top");
        assertEquals("https://status.example.com:8443/healthz?deep=***", url.shown());
        assertEquals("https://status.example.com:8443/healthz?deep=1", url.requested());
        assertEquals(
                new ProbeUrl.Credentials("probe", "s3cr@t"), url.credentials().orElseThrow());
        assertFalse(url.credentials().orElseThrow().toString().contains("s3cr"));
    }

    @Test
    void aPlainUrlHasNoCredentials() {
        ProbeUrl url = ProbeUrl.parse("http://127.0.0.1:8091/healthz");
        assertEquals("http://127.0.0.1:8091/healthz", url.toString());
        assertTrue(url.credentials().isEmpty());
    }

    @Test
    void anEmptyPathBecomesTheRoot() {
        assertEquals("http://example.com/", ProbeUrl.parse("HTTP://example.com").toString());
    }

    @Test
    void aUserWithoutPasswordIsKept() {
        assertEquals(
                new ProbeUrl.Credentials("token", ""),
                ProbeUrl.parse("http://token@h/x").credentials().orElseThrow());
    }

    @Test
    void refusesWhatIsNotAnAbsoluteHttpUrl() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProbeUrl.parse("127.0.0.1:8091/healthz"))
                .getMessage()
                .contains("not an absolute http or https URL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProbeUrl.parse("ftp://example.com/x"))
                .getMessage()
                .contains("not an absolute http or https URL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProbeUrl.parse("not a url"))
                .getMessage()
                .contains("not an absolute http or https URL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProbeUrl.parse("http://exa mple.com/"))
                .getMessage()
                .contains("is not a URL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProbeUrl.parse("http:///healthz"))
                .getMessage()
                .contains("has no host"));
        assertEquals(
                "must not be empty",
                assertThrows(IllegalArgumentException.class, () -> ProbeUrl.parse(" "))
                        .getMessage());
    }

    @Test
    void errorsNeverRepeatAPassword() {
        String message = assertThrows(
                        IllegalArgumentException.class, () -> ProbeUrl.parse("http://probe:pa ss/word@exa mple.com/"))
                .getMessage();
        assertFalse(message.contains("pa ss"), message);
        assertFalse(ProbeUrl.redact("gopher://u:topsecret@example.com/").contains("topsecret"));
        assertEquals("http://example.com/x", ProbeUrl.redact("http://u:topsecret@example.com/x"));
    }

    @Test
    void aQuerysValuesAreNeverShown() {
        ProbeUrl url = ProbeUrl.parse("https://h/health?key=abc123&verbose&a=&key=def");
        assertEquals("https://h/health?key=***&verbose&a=***&key=***", url.shown());
        assertEquals(url.shown(), url.toString());
        assertEquals("https://h/health?key=abc123&verbose&a=&key=def", url.requested());
        assertEquals("https://h/health?key=***", ProbeUrl.redact("https://u:p@h/health?key=abc123"));
        String message = assertThrows(
                        IllegalArgumentException.class, () -> ProbeUrl.parse("http://exa mple.com/?key=abc123"))
                .getMessage();
        assertFalse(message.contains("abc123"), message);
    }
}
