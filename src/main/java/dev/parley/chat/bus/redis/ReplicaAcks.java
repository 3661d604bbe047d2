package dev.parley.chat.bus.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Holds a send's ack until {@code parley.redis.replicas} replicas have it (Redis's WAIT), so that a
 * failover to one of them (Sentinel) loses no acknowledged message; Redis replicates asynchronously
 * otherwise. WAIT counts the writes of the connection it is sent on, and holds that connection up
 * meanwhile: so it runs on a connection of its own, after a write of its own, and then covers every
 * write Redis made before, whoever made it. Sends whose scripts return while one such round is out wait
 * for the next: one round trip to the replicas per round, not per send.
 */
final class ReplicaAcks {

    /** The round's own write. */
    private static final String MARK = "parley:{nodes}:replicated";
    private static final CompletableFuture<Void> NONE_NEEDED = CompletableFuture.completedFuture(null);

    private final int replicas;
    private final long waitMillis;
    private final RedisClusterAsyncCommands<String, String> redis;
    /** Whether a round is out. */
    private boolean running;
    /** Those who wait for the round after it; null if nobody does yet. */
    private CompletableFuture<Void> next;

    /**
     * WAIT gives up a quarter of the command timeout before Lettuce would, so that its count says why
     * rather than a timeout.
     */
    ReplicaAcks(int replicas, Duration timeout, RedisClusterAsyncCommands<String, String> redis) {
        this.replicas = replicas;
        this.waitMillis = Math.max(1, timeout.toMillis() * 3 / 4);
        this.redis = redis;
    }

    /**
     * Done once the replicas hold every write that Redis had answered before this call; failed (and the
     * send then {@code unavailable}) if too few do so within the wait.
     */
    CompletionStage<Void> await() {
        if (replicas == 0) {
            return NONE_NEEDED;
        }
        CompletableFuture<Void> round;
        synchronized (this) {
            if (running) {
                if (next == null) {
                    next = new CompletableFuture<>();
                }
                return next;
            }
            running = true;
            round = new CompletableFuture<>();
        }
        run(round);
        return round;
    }

    private void run(CompletableFuture<Void> round) {
        CompletionStage<Long> marked = redis.incr(MARK);
        CompletionStage<Long> waited = redis.waitForReplication(replicas, waitMillis); // sent at once, behind the mark
        marked.thenCombine(waited, (mark, acked) -> acked)
                .whenComplete((acked, failure) -> {
                    CompletableFuture<Void> following;
                    synchronized (this) {
                        following = next;
                        next = null;
                        running = following != null;
                    }
                    if (following != null) {
                        run(following);
                    }
                    if (failure != null) {
                        round.completeExceptionally(failure);
                    } else if (acked < replicas) {
                        round.completeExceptionally(new RedisCommandTimeoutException(
                                acked + " of " + replicas + " replicas acknowledged within " + waitMillis + " ms"));
                    } else {
                        round.complete(null);
                    }
                });
    }
}
