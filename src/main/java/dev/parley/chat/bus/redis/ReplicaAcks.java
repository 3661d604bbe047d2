package dev.parley.chat.bus.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * Holds a send's ack until {@code parley.redis.replicas} replicas have it (Redis's WAIT), so that a
 * failover to one of them (Sentinel) loses no acknowledged message; Redis replicates asynchronously
 * otherwise. WAIT counts the writes of the connection it is sent on, and holds that connection up
 * meanwhile: so it runs on a connection of its own, after a write of its own, and then covers every
 * write Redis made before, whoever made it. Sends whose scripts return while one such round is out wait
 * for the next: one round trip to the replicas per round, not per send. What it promises holds for a
 * failover to a replica that acknowledged: with as many replicas to wait for as there are.
 */
final class ReplicaAcks {

    /** The round's own write. */
    private static final String MARK = "parley:{nodes}:replicated";
    private static final CompletableFuture<Void> NONE_NEEDED = CompletableFuture.completedFuture(null);

    private final int replicas;
    private final long waitMillis;
    private final RedisClusterAsyncCommands<String, String> redis;
    /** How many times the connection was made so far. */
    private final LongSupplier connects;
    /** Whether a round is out. */
    private boolean running;
    /** Those who wait for the round after it; null if nobody does yet. */
    private CompletableFuture<Void> next;

    /**
     * WAIT gives up a quarter of the command timeout before Lettuce would, so that its count says why
     * rather than a timeout.
     */
    ReplicaAcks(int replicas, Duration timeout, RedisClusterAsyncCommands<String, String> redis, LongSupplier connects) {
        this.replicas = replicas;
        this.waitMillis = Math.max(1, timeout.toMillis() * 3 / 4);
        this.redis = redis;
        this.connects = connects;
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

    /**
     * A round that spans a reconnect fails: Lettuce sends unanswered commands again on the new connection,
     * which after a failover is to the new master, where a WAIT with no write of its own before it counts
     * replicas of nothing.
     */
    private void run(CompletableFuture<Void> round) {
        long connected = connects.getAsLong();
        CompletionStage<Long> waited;
        try {
            CompletionStage<Long> marked = redis.incr(MARK);
            waited = marked.thenCombine(redis.waitForReplication(replicas, waitMillis), (mark, acked) -> acked); // sent at once
        } catch (RuntimeException e) {
            waited = CompletableFuture.failedStage(e);
        }
        waited.whenComplete((acked, failure) -> {
            if (failure != null) {
                round.completeExceptionally(failure);
            } else if (connects.getAsLong() != connected) {
                round.completeExceptionally(new RedisCommandTimeoutException(
                        "the connection to Redis was made anew during the wait: its count may be another master's"));
            } else if (acked < replicas) {
                round.completeExceptionally(new RedisCommandTimeoutException(
                        acked + " of " + replicas + " replicas acknowledged within " + waitMillis + " ms"));
            } else {
                round.complete(null);
            }
            CompletableFuture<Void> following;
            synchronized (this) {
                following = next;
                next = null;
                running = following != null;
            }
            if (following != null) {
                run(following);
            }
        });
    }
}
