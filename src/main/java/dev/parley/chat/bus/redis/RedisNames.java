package dev.parley.chat.bus.redis;

import dev.parley.chat.bus.Names;
import dev.parley.chat.bus.Retries;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster's user names, in Redis: a claim's token is the claiming node's lease and a number, and
 * each lease's claims are filed apart, so that evicting a dead node frees its claims (and only those).
 */
final class RedisNames implements Names {

    private static final Script CLAIM = Script.of("claim", ScriptOutputType.INTEGER);
    private static final Script RELEASE = Script.of("release", ScriptOutputType.INTEGER);
    private static final Script RELEASE_LEASE = Script.of("release_lease", ScriptOutputType.INTEGER);

    private static final Logger LOG = Logger.getLogger(RedisNames.class.getName());
    /** Where a failed release is tried again; it only sends a command. */
    private static final Executor LATER = CompletableFuture.delayedExecutor(Retries.UNDO_EVERY.toMillis(),
            TimeUnit.MILLISECONDS, Runnable::run);

    private final RedisClusterAsyncCommands<String, String> redis;
    private final Supplier<String> lease;
    private final AtomicLong claims = new AtomicLong();

    RedisNames(RedisClusterAsyncCommands<String, String> redis, Supplier<String> lease) {
        this.redis = redis;
        this.lease = lease;
    }

    /**
     * A claim that fails may have been made all the same (its answer timed out while Redis ran it), and its
     * session, told it failed, never releases it: it is released here, after it on the same connection.
     */
    @Override
    public CompletionStage<Optional<Claim>> claim(String name, int most) {
        String holder = lease.get();
        Claim claim = new Claim(name, holder + "/" + claims.incrementAndGet());
        CompletionStage<Long> claimed = CLAIM.run(redis, RedisKeys.names(holder), name, claim.token(), Integer.toString(most));
        claimed.whenComplete((made, failure) -> {
            if (failure != null) {
                release(claim);
            }
        });
        return claimed.thenApply(made -> made == 1 ? Optional.of(claim) : Optional.empty());
    }

    /**
     * Answers with the first try, which a session's next request may wait for; should it fail, it is tried
     * again in the background until made: a claim left behind holds its name for as long as this node lives.
     */
    @Override
    public CompletionStage<Void> release(Claim claim) {
        CompletionStage<Long> first = releaseOnce(claim);
        Retries.untilMade(first, () -> releaseOnce(claim), Retries.UNDO_TRIES, LATER).whenComplete((freed, notFreed) -> {
            if (notFreed != null) {
                LOG.log(Level.WARNING, "gave up releasing a claim of '" + claim.name() + "'", notFreed);
            }
        });
        return first.thenApply(freed -> null);
    }

    private CompletionStage<Long> releaseOnce(Claim claim) {
        return RELEASE.run(redis, RedisKeys.names(leaseOf(claim)), claim.name(), claim.token());
    }

    /** The lease of the node that made the claim: what evicts it, and its memberships, should the node die. */
    static String leaseOf(Claim claim) {
        return claim.token().substring(0, claim.token().lastIndexOf('/'));
    }

    @Override
    public CompletionStage<Boolean> isHeld(String name) {
        return redis.hexists(RedisKeys.NAME_HOLDERS, name);
    }

    @Override
    public CompletionStage<List<String>> list() {
        return redis.zrange(RedisKeys.NAME_ORDER, 0, -1);
    }

    /** Frees every claim an evicted node's lease holds; how many. */
    CompletionStage<Long> releaseAll(String evicted) {
        return RELEASE_LEASE.run(redis, RedisKeys.names(evicted));
    }
}
