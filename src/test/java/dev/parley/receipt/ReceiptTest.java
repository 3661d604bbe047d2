package dev.parley.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReceiptTest {

    @Test
    void quotesTheDataAndGivesMillisecondsAndANumericOffset() {
        OffsetDateTime at = OffsetDateTime.of(2026, 11, 25, 17, 3, 12, 345_000_000, ZoneOffset.UTC);
        assertEquals("Data received as \"hello\". time: 2026-11-25T17:03:12.345+00:00", Receipt.of("hello", at));
    }

    @Test
    void keepsWholeMillisecondsAndOtherOffsets() {
        OffsetDateTime at = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHoursMinutes(5, 30));
        assertEquals("Data received as \"\". time: 2026-01-02T03:04:05.000+05:30", Receipt.of("", at));
    }
}
