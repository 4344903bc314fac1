package io.baran.worker.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Azure DNS keeps a TXT record as its list of character-strings, unquoted; Baran compares TXT values in
 * zone-file form ({@code "part one" "part two"}, with {@code \"} and {@code \\} escaped), as
 * {@link io.baran.worker.provider.RecordType#TXT} writes them. This converts between the two, exactly.
 */
final class TxtStrings {

    private TxtStrings() {}

    static String quote(JsonNode strings) {
        List<String> parts = new ArrayList<>();
        strings.forEach(s -> parts.add("\"" + s.asText().replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
        return String.join(" ", parts);
    }

    /** The character-strings of a zone-file TXT value; a value with no quotes is one string as it stands. */
    static List<String> unquote(String value) {
        String v = value.trim();
        if (!v.startsWith("\"")) {
            return List.of(v);
        }
        List<String> parts = new ArrayList<>();
        StringBuilder current = null;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (current == null) {
                if (c == '"') {
                    current = new StringBuilder();
                }
            } else if (c == '\\' && i + 1 < v.length()) {
                current.append(v.charAt(++i));
            } else if (c == '"') {
                parts.add(current.toString());
                current = null;
            } else {
                current.append(c);
            }
        }
        if (current != null) {
            parts.add(current.toString());
        }
        return parts;
    }
}
