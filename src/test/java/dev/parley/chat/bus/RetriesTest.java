package dev.parley.chat.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetriesTest {

    private final AtomicInteger calls = new AtomicInteger();

    /** Fails until its {@code succeedAt}th call. */
    private CompletionStage<Integer> call(int succeedAt) {
        int n = calls.incrementAndGet();
        return n >= succeedAt ? CompletableFuture.completedFuture(n) : CompletableFuture.failedFuture(new IllegalStateException("try " + n));
    }

    @Test
    void aFirstCallThatSucceedsIsNotMadeAgain() throws Exception {
        assertEquals(1, Retries.untilMade(call(1), () -> call(1), 5, Runnable::run).toCompletableFuture().get());
        assertEquals(1, calls.get());
    }

    @Test
    void failuresAreTriedAgainUntilOneSucceeds() throws Exception {
        assertEquals(4, Retries.untilMade(call(4), () -> call(4), 5, Runnable::run).toCompletableFuture().get());
        assertEquals(4, calls.get());
    }

    @Test
    void afterTheLastTryTheLastFailureIsTheAnswer() {
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> Retries.untilMade(call(99), () -> call(99), 3, Runnable::run).toCompletableFuture().get());
        assertEquals("try 4", failed.getCause().getMessage());
        assertEquals(4, calls.get(), "the first call and three tries");
    }

    @Test
    void aCallThatThrowsFailedAndIsTriedAgain() throws Exception {
        IllegalStateException thrown = new IllegalStateException("no connection");
        CompletionStage<Integer> made = Retries.untilMade(CompletableFuture.failedFuture(thrown), () -> {
            if (calls.incrementAndGet() < 2) {
                throw thrown;
            }
            return CompletableFuture.completedFuture(7);
        }, 3, Runnable::run);
        assertEquals(7, made.toCompletableFuture().get());
        assertEquals(2, calls.get());
    }

    @Test
    void eachTryWaitsForTheExecutor() {
        CompletableFuture<Runnable> scheduled = new CompletableFuture<>();
        CompletionStage<Integer> made = Retries.untilMade(call(2), () -> call(2), 3, scheduled::complete);
        assertEquals(1, calls.get(), "nothing tried before the executor runs it");
        scheduled.join().run();
        assertEquals(2, made.toCompletableFuture().join());
    }
}
