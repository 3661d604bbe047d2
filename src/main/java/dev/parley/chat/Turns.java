package dev.parley.chat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A session's requests, handled one at a time in the order they came: a request whose first step is
 * asynchronous (claiming a name on a cluster, say) holds the next ones back until that step is done, so
 * that a {@code send} right after a {@code register} finds the session registered. With nothing pending,
 * a request runs at once, on the caller's thread.
 */
final class Turns {

    private static final Logger LOG = Logger.getLogger(Turns.class.getName());
    private static final CompletableFuture<Void> IDLE = CompletableFuture.completedFuture(null);

    private CompletableFuture<?> last = IDLE;

    /** Runs {@code request} in its turn; what it returns is what the next request waits for. */
    synchronized void next(Supplier<CompletionStage<?>> request) {
        last = last.isDone() ? run(request) : last.thenCompose(done -> run(request));
    }

    private static CompletableFuture<?> run(Supplier<CompletionStage<?>> request) {
        try {
            CompletableFuture<?> step = request.get().toCompletableFuture();
            return step.isDone() ? IDLE : step.handle((done, failure) -> null);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "a chat request failed", e);
            return IDLE;
        }
    }
}
