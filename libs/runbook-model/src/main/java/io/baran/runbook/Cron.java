package io.baran.runbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A five-field cron expression as runbooks write them ({@code minute hour day-of-month month day-of-week}, e.g.
 * {@code 0 3 * * TUE}): each field {@code *}, a number or name, a range {@code a-b}, a step {@code * /n} or
 * {@code a-b/n}, or a comma list of these. Months may be named JAN to DEC, days of the week SUN to SAT (0 and 7
 * are both Sunday). Parsed into ranges, so the orchestrator can hand them to Temporal's calendar specs.
 *
 * @param minutes     0-59
 * @param hours       0-23
 * @param daysOfMonth 1-31
 * @param months      1-12
 * @param daysOfWeek  0-6, Sunday 0
 */
public record Cron(
        List<Range> minutes, List<Range> hours, List<Range> daysOfMonth, List<Range> months, List<Range> daysOfWeek) {

    /** {@code start} to {@code end} inclusive, every {@code step}. */
    public record Range(int start, int end, int step) {}

    private static final String[] FIELD_NAMES = {"minute", "hour", "day of month", "month", "day of week"};
    private static final int[] MIN = {0, 0, 1, 1, 0};
    private static final int[] MAX = {59, 23, 31, 12, 7};
    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    /** Why a text is not a cron expression. */
    public static final class Invalid extends IllegalArgumentException {
        Invalid(String message) {
            super(message);
        }
    }

    /** The expression, or why it is not one. */
    public static Cron parse(String text) {
        String[] fields = text == null ? new String[0] : text.trim().split("\\s+");
        if (fields.length != 5) {
            throw new Invalid("\"" + text + "\" is not a cron expression: it needs 5 fields (minute hour day-of-month"
                    + " month day-of-week, e.g. \"0 3 * * TUE\"), not "
                    + (text == null || text.isBlank() ? 0 : fields.length));
        }
        List<List<Range>> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            out.add(field(fields[i], i));
        }
        List<Range> dow = new ArrayList<>();
        for (Range r : out.get(4)) {
            // 7 is Sunday again: the calendar takes 0 to 6.
            if (r.start() == 7) {
                dow.add(new Range(0, 0, 1));
            } else if (r.end() == 7) {
                dow.add(new Range(r.start(), 6, r.step()));
                if ((7 - r.start()) % r.step() == 0) {
                    dow.add(new Range(0, 0, 1));
                }
            } else {
                dow.add(r);
            }
        }
        return new Cron(out.get(0), out.get(1), out.get(2), out.get(3), dow);
    }

    /** Empty when the text is a cron expression; otherwise why not. */
    public static Optional<String> problem(String text) {
        try {
            parse(text);
            return Optional.empty();
        } catch (Invalid e) {
            return Optional.of(e.getMessage());
        }
    }

    private static List<Range> field(String text, int index) {
        List<Range> ranges = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            ranges.add(part(part, index));
        }
        return ranges;
    }

    private static Range part(String part, int index) {
        String name = FIELD_NAMES[index];
        int step = 1;
        String base = part;
        int slash = part.indexOf('/');
        if (slash >= 0) {
            base = part.substring(0, slash);
            step = number(part.substring(slash + 1), index, 1, MAX[index], "step");
        }
        int start;
        int end;
        if (base.equals("*")) {
            start = MIN[index];
            end = index == 4 ? 6 : MAX[index];
        } else if (base.contains("-")) {
            String[] ends = base.split("-", -1);
            if (ends.length != 2) {
                throw new Invalid("\"" + part + "\" is not a " + name + " range (write a-b)");
            }
            start = value(ends[0], index);
            end = value(ends[1], index);
            if (end < start) {
                throw new Invalid(name + " range \"" + part + "\" ends before it starts");
            }
        } else {
            start = value(base, index);
            end = slash >= 0 ? (index == 4 ? 6 : MAX[index]) : start;
        }
        return new Range(start, end, step);
    }

    private static int value(String text, int index) {
        String upper = text.toUpperCase(Locale.ROOT);
        if (index == 3 && MONTHS.contains(upper)) {
            return MONTHS.indexOf(upper) + 1;
        }
        if (index == 4 && DAYS.contains(upper)) {
            return DAYS.indexOf(upper);
        }
        return number(text, index, MIN[index], MAX[index], FIELD_NAMES[index]);
    }

    private static int number(String text, int index, int min, int max, String what) {
        if (!text.matches("[0-9]{1,2}")) {
            String names = index == 3 ? ", or JAN to DEC" : index == 4 ? ", or SUN to SAT" : "";
            throw new Invalid("\"" + text + "\" is not a " + what + " (" + min + " to " + max + names + ")");
        }
        int n = Integer.parseInt(text);
        if (n < min || n > max) {
            throw new Invalid(what + " " + n + " is out of range (" + min + " to " + max + ")");
        }
        return n;
    }
}
