package io.baran.orchestrator.api;

import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An evidence pack as a document a person reads: a PDF (OpenPDF) and an HTML page, with the same sections: the
 * execution, the runbook version, who started and approved, the recovery time and point against the objectives, every
 * step, every phase, and the pack's hash. The JSON pack stays the record; these show it.
 */
final class EvidenceDocuments {

    /*
     * Liberation Sans and Mono (SIL Open Font License, from openpdf-fonts-extra), embedded as subsets: the PDF
     * standard fonts know Latin-1 only, so a name such as "Łukasz" or "Дмитрий" would read "?ukasz". Latin, Greek and
     * Cyrillic show as written; a character these fonts lack (CJK, Arabic, ...) is printed as '?', never dropped.
     */
    private static final BaseFont SANS = embedded("liberation/LiberationSans-Regular.ttf");
    private static final BaseFont SANS_BOLD = embedded("liberation/LiberationSans-Bold.ttf");
    private static final BaseFont MONO_FACE = embedded("liberation/LiberationMono-Regular.ttf");
    private static final Font TITLE = new Font(SANS_BOLD, 16);
    private static final Font HEADING = new Font(SANS_BOLD, 12);
    private static final Font BODY = new Font(SANS, 9);
    private static final Font BOLD = new Font(SANS_BOLD, 9);
    private static final Font MONO = new Font(MONO_FACE, 8);

    private EvidenceDocuments() {}

    private static BaseFont embedded(String resource) {
        try (InputStream in = EvidenceDocuments.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the font " + resource + " is not on the class path");
            }
            return BaseFont.createFont(resource, BaseFont.IDENTITY_H, BaseFont.EMBEDDED, true, in.readAllBytes(), null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the font " + resource, e);
        }
    }

    /**
     * The text with every character the font cannot draw (and every other control character) replaced by '?'; line
     * breaks are kept, a tab is a space.
     */
    static String drawable(String text, BaseFont font) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\n' || c == ' ' || (!Character.isISOControl(c) && font.charExists(c))) {
                out.appendCodePoint(c);
            } else if (c == '\t') {
                out.append(' ');
            } else if (c != '\r') {
                out.append('?');
            }
        });
        return out.toString();
    }

    private static Paragraph paragraph(String text, Font font) {
        return new Paragraph(drawable(text, font.getBaseFont()), font);
    }

    /** A section of key/value rows and, optionally, a table. */
    private record Section(String title, List<String[]> rows, String[] header, List<String[]> table) {}

    static byte[] pdf(EvidencePack pack) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Document document = new Document(PageSize.A4.rotate(), 30, 30, 30, 30);
        try {
            PdfWriter.getInstance(document, out);
            document.addTitle("Evidence pack " + pack.executionId());
            document.addCreator("Baran");
            document.open();
            document.add(paragraph(title(pack), TITLE));
            for (Section section : sections(pack)) {
                Paragraph heading = paragraph(section.title(), HEADING);
                heading.setSpacingBefore(10);
                heading.setSpacingAfter(4);
                document.add(heading);
                if (!section.rows().isEmpty()) {
                    PdfPTable rows = new PdfPTable(new float[] {1, 4});
                    rows.setWidthPercentage(100);
                    for (String[] row : section.rows()) {
                        rows.addCell(cell(row[0], BOLD));
                        rows.addCell(cell(row[1], row[0].contains("sha256") ? MONO : BODY));
                    }
                    document.add(rows);
                }
                if (section.table() != null && !section.table().isEmpty()) {
                    PdfPTable table = new PdfPTable(section.header().length);
                    table.setWidthPercentage(100);
                    table.setHeaderRows(1);
                    for (String h : section.header()) {
                        table.addCell(cell(h, BOLD));
                    }
                    for (String[] row : section.table()) {
                        for (String value : row) {
                            table.addCell(cell(value, BODY));
                        }
                    }
                    document.add(table);
                }
            }
            document.close();
        } catch (DocumentException e) {
            throw new IllegalStateException("cannot render the evidence pack of " + pack.executionId(), e);
        }
        return out.toByteArray();
    }

    static String html(EvidencePack pack) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape("Evidence pack " + pack.executionId()))
                .append("</title><style>body{font-family:sans-serif;font-size:13px}table{border-collapse:collapse;"
                        + "margin-bottom:1em}td,th{border:1px solid #999;padding:3px 6px;text-align:left;"
                        + "vertical-align:top}th{background:#eee}code{font-size:12px}</style></head><body>\n<h1>")
                .append(escape(title(pack)))
                .append("</h1>\n");
        for (Section section : sections(pack)) {
            html.append("<h2>").append(escape(section.title())).append("</h2>\n");
            if (!section.rows().isEmpty()) {
                html.append("<table>\n");
                for (String[] row : section.rows()) {
                    html.append("<tr><th>")
                            .append(escape(row[0]))
                            .append("</th><td>")
                            .append(escape(row[1]))
                            .append("</td></tr>\n");
                }
                html.append("</table>\n");
            }
            if (section.table() != null && !section.table().isEmpty()) {
                html.append("<table>\n<tr>");
                for (String h : section.header()) {
                    html.append("<th>").append(escape(h)).append("</th>");
                }
                html.append("</tr>\n");
                for (String[] row : section.table()) {
                    html.append("<tr>");
                    for (String value : row) {
                        html.append("<td>").append(escape(value)).append("</td>");
                    }
                    html.append("</tr>\n");
                }
                html.append("</table>\n");
            }
        }
        return html.append("</body></html>\n").toString();
    }

    private static String title(EvidencePack pack) {
        return "Evidence pack: " + pack.mode() + " " + pack.executionId() + " of runbook "
                + pack.runbook().name();
    }

    private static List<Section> sections(EvidencePack pack) {
        List<Section> sections = new ArrayList<>();
        sections.add(new Section(
                "Execution",
                List.of(
                        row("execution", pack.executionId()),
                        row("Temporal run id", pack.temporalRunId()),
                        row("mode", pack.mode()),
                        row(
                                "status / phase",
                                pack.status() + " / "
                                        + (pack.phase() == null
                                                ? ""
                                                : pack.phase().value())),
                        row(
                                "outage",
                                pack.scope() == null ? "none" : pack.scope() + " (incident " + pack.incidentId() + ")"),
                        row(
                                "restored",
                                pack.restored() ? "yes: everything changed was put back, or nothing changed" : "no"),
                        row("error", pack.error() == null ? "none" : pack.error())),
                null,
                null));
        sections.add(new Section(
                "Runbook",
                List.of(
                        row("name", pack.runbook().name()),
                        row("version", String.valueOf(pack.runbook().version())),
                        row(
                                "runbook sha256",
                                pack.runbook().sha256() == null
                                        ? "unknown"
                                        : pack.runbook().sha256()),
                        row("protects", pack.runbook().protects())),
                null,
                null));
        List<String[]> people = new ArrayList<>();
        people.add(row(
                "started by",
                pack.startedBy() == null
                        ? "not recorded"
                        : pack.startedBy().name()
                                + (pack.startedBy().eventId() == null
                                        ? ""
                                        : " (event " + pack.startedBy().eventId() + ")")
                                + (pack.startedBy().groups().isEmpty()
                                        ? ""
                                        : " groups " + pack.startedBy().groups())));
        people.add(row("approved by", pack.approvedBy().isEmpty() ? "nobody" : String.join(", ", pack.approvedBy())));
        sections.add(new Section(
                "People",
                people,
                new String[] {"at", "decision", "by", "on", "step", "break-glass", "reason"},
                pack.decisions().stream()
                        .map(d -> new String[] {
                            d.at(), d.verdict(), d.by(), d.on(), d.step(), String.valueOf(d.breakGlass()), d.reason()
                        })
                        .toList()));
        sections.add(new Section("Recovery time and point against the objectives", recovery(pack), null, null));
        sections.add(new Section(
                "Steps",
                List.of(),
                new String[] {
                    "step",
                    "action",
                    "planned",
                    "observed before",
                    "after failover",
                    "after failback",
                    "now",
                    "started",
                    "ended"
                },
                pack.steps().stream()
                        .map(s -> new String[] {
                            s.name(),
                            s.action(),
                            s.planned(),
                            s.observedBefore().isEmpty()
                                    ? ""
                                    : s.observedBefore().toString(),
                            s.afterFailover(),
                            s.afterFailback(),
                            s.finalState() == null ? "" : s.finalState().value(),
                            s.startedAt(),
                            s.endedAt()
                        })
                        .toList()));
        sections.add(new Section(
                "Phases",
                List.of(),
                new String[] {"at", "phase"},
                pack.phases().stream()
                        .map(p -> new String[] {p.at(), p.phase().value()})
                        .toList()));
        sections.add(new Section(
                "Integrity",
                List.of(
                        row("pack sha256", pack.packSha256()),
                        row(
                                "signature",
                                pack.signature() == null
                                        ? "none (the orchestrator has no evidence key)"
                                        : "the JSON form of this pack is signed ("
                                                + pack.signature().algorithm() + ", key "
                                                + pack.signature().keyId() + "); this document is not"),
                        row("format", pack.format()),
                        row("generated at", pack.generatedAt()),
                        row(
                                "how to check",
                                "this document is made anew at each request: keep the JSON form (GET /api/executions/"
                                        + pack.executionId() + "/evidence) and check it with baran evidence verify"
                                        + " FILE --public-key KEY")),
                null,
                null));
        return sections;
    }

    private static List<String[]> recovery(EvidencePack pack) {
        List<String[]> rows = new ArrayList<>();
        ReportView.Rto rto = pack.rtoSeconds();
        rows.add(row("RTO total", rto.total() == null ? "not measured (never failed over)" : seconds(rto.total())));
        rows.add(row(
                "RTO split",
                "detect " + (rto.detect() == null ? "n/a" : seconds(rto.detect())) + ", decide " + seconds(rto.decide())
                        + ", execute " + seconds(rto.execute()) + ", verify " + seconds(rto.verify())));
        rows.add(row(
                "RPO",
                pack.rpo().measured()
                        ? seconds(pack.rpo().seconds())
                        : "not measured: " + pack.rpo().why()));
        Map<String, String> objectives = pack.objectives();
        rows.add(row(
                "objectives",
                objectives.isEmpty()
                        ? "none set (spec.objectives)"
                        : "RTO " + objectives.getOrDefault("rto", "none") + ", RPO "
                                + objectives.getOrDefault("rpo", "none")));
        ReportView.Score score = pack.score();
        rows.add(row(
                "RTO against objective",
                score.rto().result() + ": " + score.rto().why()));
        rows.add(row(
                "RPO against objective",
                score.rpo().result() + ": " + score.rpo().why()));
        rows.add(row(
                "verdict",
                score.passed() == null ? "no objectives to score against" : score.passed() ? "PASS" : "FAIL"));
        return rows;
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.3f s", value);
    }

    private static String[] row(String key, String value) {
        return new String[] {key, value == null ? "" : value};
    }

    private static PdfPCell cell(String text, Font font) {
        PdfPCell cell = new PdfPCell(new Phrase(drawable(text, font.getBaseFont()), font));
        cell.setHorizontalAlignment(Element.ALIGN_LEFT);
        cell.setPadding(3);
        return cell;
    }

    private static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
