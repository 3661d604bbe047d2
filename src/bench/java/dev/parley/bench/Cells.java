package dev.parley.bench;

import java.util.Locale;

/** The report tables' cells, shared by the reports: a missing or negative figure shows as a dash. */
final class Cells {

    private Cells() {
    }

    static String fig(Result r, String figure) {
        Double value = r.figures().get(figure);
        return value == null || value < 0 ? "–" : Report.format(value);
    }

    static String count(Result r, String figure) {
        Double value = r.figures().get(figure);
        return value == null || value < 0 ? "–" : count(value);
    }

    static String count(double value) {
        return String.format(Locale.ROOT, "%,d", Math.round(value));
    }

    static String met(boolean met) {
        return met ? "**met**" : "**not met**";
    }
}
