package dev.parley.chat.bus;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A bus call that must be made in the end, whatever its first answer: an undo (a leave, a name's release)
 * that, left unmade, would keep a user listed or a name held for as long as the node lives.
 */
public final class Retries {

    /**
     * How often, and how many times, an undo is tried again: for longer than a cluster node's lease lives
     * without Redis (15 s by default), so that by then the node has lapsed and the others have evicted what
     * its lease held instead.
     */
    public static final Duration UNDO_EVERY = Duration.ofSeconds(1);
    public static final int UNDO_TRIES = 120;

    private Retries() {
    }

    /**
     * Completes once {@code first}, or one of up to {@code tries} more calls made after it failed, succeeds;
     * fails with the last failure when none did. Each call is made on {@code later}, which decides the wait.
     */
    public static <T> CompletionStage<T> untilMade(CompletionStage<T> first, Supplier<? extends CompletionStage<T>> call,
            int tries, Executor later) {
        CompletableFuture<T> made = new CompletableFuture<>();
        settle(first, call, tries, later, made);
        return made;
    }

    private static <T> void settle(CompletionStage<T> attempt, Supplier<? extends CompletionStage<T>> call, int left,
            Executor later, CompletableFuture<T> made) {
        attempt.whenComplete((value, failure) -> {
            if (failure == null) {
                made.complete(value);
            } else if (left <= 0) {
                made.completeExceptionally(failure);
            } else {
                try {
                    later.execute(() -> settle(started(call), call, left - 1, later, made));
                } catch (RuntimeException rejected) { // a scheduler that shut down
                    made.completeExceptionally(rejected);
                }
            }
        });
    }

    /** A call that throws instead of returning a stage failed all the same. */
    private static <T> CompletionStage<T> started(Supplier<? extends CompletionStage<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
