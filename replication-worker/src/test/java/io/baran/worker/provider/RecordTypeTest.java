package io.baran.worker.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordTypeTest {

    /** A TXT character-string holds 255 bytes: text beyond ASCII is cut by its UTF-8 bytes, never inside a character. */
    @Test
    void aTxtValueIsCutIntoStringsOf255BytesNeverInsideACharacter() {
        String text = "é".repeat(200) + "😀".repeat(70) + "x";
        List<String> chunks = RecordType.byteChunks(text);
        assertEquals(text, String.join("", chunks));
        for (String chunk : chunks) {
            int bytes = chunk.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= 255, bytes + " bytes in " + chunk);
            assertTrue(!Character.isLowSurrogate(chunk.charAt(0)), "a character cut in two");
        }
        assertEquals(254, chunks.get(0).getBytes(StandardCharsets.UTF_8).length, "127 two-byte characters");
        assertEquals(3, RecordType.TXT.toWire(text).split("\" \"").length, "quoted as three strings");
    }

    @Test
    void anAsciiTxtValueIsCutEvery255Characters() {
        String text = "a".repeat(600);
        assertEquals(
                List.of(255, 255, 90),
                RecordType.byteChunks(text).stream().map(String::length).toList());
        assertEquals("\"\"", RecordType.TXT.toWire(""));
    }
}
