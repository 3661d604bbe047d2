package dev.parley.receipt;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** The receipt service's reply: {@code Data received as "<data>". time: <ISO-8601 time with offset>}. */
public final class Receipt {

    /** Milliseconds and a numeric offset, e.g. {@code 2026-11-25T17:03:12.345+00:00}; never {@code Z}. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx");

    private Receipt() {
    }

    public static String of(String data, OffsetDateTime receivedAt) {
        return "Data received as \"" + data + "\". time: " + TIME.format(receivedAt);
    }
}
