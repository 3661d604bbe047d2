package dev.parley.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.connection.RateLimit.Verdict;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsABurstThenTheSteadyRate() {
        RateLimit limit = new RateLimit(10, 5, 100, 0);
        for (int i = 0; i < 5; i++) {
            assertEquals(Verdict.ACCEPT, limit.admit(0), "message " + i + " of the burst");
        }
        assertEquals(Verdict.REFUSE, limit.admit(0));
        assertEquals(Verdict.ACCEPT, limit.admit(SECOND / 10), "one token every 100 ms");
        assertEquals(Verdict.REFUSE, limit.admit(SECOND / 10));
    }

    @Test
    void refillsNoFurtherThanTheBurst() {
        RateLimit limit = new RateLimit(10, 3, 100, 0);
        long later = 60 * SECOND;
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.ACCEPT, limit.admit(later));
        }
        assertEquals(Verdict.REFUSE, limit.admit(later));
    }

    @Test
    void goingOnWhileRefusedIsAFlood() {
        RateLimit limit = new RateLimit(1, 1, 3, 0);
        assertEquals(Verdict.ACCEPT, limit.admit(0));
        assertEquals(Verdict.REFUSE, limit.admit(0));
        assertEquals(Verdict.REFUSE, limit.admit(0));
        assertEquals(Verdict.FLOOD, limit.admit(0));
    }

    @Test
    void refusalsCountWithinOneSecondEvenBetweenAcceptedMessages() {
        RateLimit limit = new RateLimit(10, 1, 3, 0);
        assertEquals(Verdict.ACCEPT, limit.admit(0));
        assertEquals(Verdict.REFUSE, limit.admit(0));
        assertEquals(Verdict.ACCEPT, limit.admit(SECOND / 10));
        assertEquals(Verdict.REFUSE, limit.admit(SECOND / 10));
        assertEquals(Verdict.FLOOD, limit.admit(SECOND / 10), "a steady excess is a flood");
    }

    @Test
    void refusalsOfAnEarlierSecondAreForgiven() {
        RateLimit limit = new RateLimit(1, 1, 3, 0);
        limit.admit(0);
        limit.admit(0);
        limit.admit(0);
        assertEquals(Verdict.ACCEPT, limit.admit(2 * SECOND));
        assertEquals(Verdict.REFUSE, limit.admit(2 * SECOND));
        assertEquals(Verdict.REFUSE, limit.admit(2 * SECOND));
        assertEquals(Verdict.FLOOD, limit.admit(2 * SECOND));
    }
}
