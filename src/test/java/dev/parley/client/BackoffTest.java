package dev.parley.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void eachDelayIsDrawnBetweenHalfAndAllOfAStepThatDoublesUpToTheCapAndStartsOver() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500));
        long[] steps = {100, 200, 400, 500, 500};
        for (long step : steps) {
            long delay = backoff.next().toMillis();
            assertTrue(delay >= step / 2 && delay <= step, delay + " for a step of " + step);
        }
        backoff.reset();
        assertTrue(backoff.next().toMillis() <= 100);
    }

    @Test
    void delaysAreSpreadSoThatClientsCutOffTogetherComeBackApart() {
        List<Long> firsts = new ArrayList<>();
        for (int client = 0; client < 200; client++) {
            firsts.add(new Backoff(Duration.ofMillis(1000), Duration.ofMillis(1000)).next().toMillis());
        }
        assertTrue(firsts.stream().distinct().count() > 50, "200 clients drew " + firsts.stream().distinct().count()
                + " distinct delays");
    }

    /** The default scheduler only times the attempts: one that blocks (a connect to a black hole) holds up no other. */
    @Test
    void aBlockedReconnectAttemptHoldsUpNoOtherChatsAttempt() throws Exception {
        ChatOptions options = ChatOptions.defaults();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch other = new CountDownLatch(1);
        options.scheduleAttempt(() -> {
            blocked.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Duration.ZERO);
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        options.scheduleAttempt(other::countDown, Duration.ofMillis(10));
        try {
            assertTrue(other.await(10, TimeUnit.SECONDS), "the second attempt waited for the first");
        } finally {
            release.countDown();
        }
    }
}
