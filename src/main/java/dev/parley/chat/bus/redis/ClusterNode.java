package dev.parley.chat.bus.redis;

import dev.parley.chat.bus.Epochs;
import dev.parley.chat.bus.HistoryLimits;
import dev.parley.chat.bus.Stream;
import dev.parley.ops.Meters;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's place in the cluster: a lease in Redis that it renews, and a reaper of other nodes'. A
 * node's members and names are filed under its lease; once a lease has expired on Redis's clock (its
 * node died, or lost Redis), any node's reaper evicts them, each room's members by one atomic script,
 * so that every leave is told exactly once. A node that has not renewed its lease for the TTL (as it
 * measures it, from before it asked) or finds it gone lapses: it must close its clients, then starts
 * again under a new lease, so that it never goes on as a zombie.
 */
final class ClusterNode {

    private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());

    private static final Script HEARTBEAT = Script.of("heartbeat", ScriptOutputType.INTEGER);
    private static final Script EXPIRED = Script.of("expired", ScriptOutputType.MULTI);
    private static final Script EVICT = Script.of("evict", ScriptOutputType.INTEGER);
    /** Leases evicted per reaper round at most. */
    private static final int REAP_BATCH = 16;
    /**
     * How long an evicted lease is evicted again in each round before it is forgotten: a command its node
     * sent just before it lapsed may still land after the first eviction.
     */
    private static final int EVICTIONS_PER_LEASE = 10;

    private final String id;
    private final Duration ttl;
    private final Duration timeout;
    private final HistoryLimits limits;
    private final RedisClusterAsyncCommands<String, String> redis;
    /** The heartbeat's own connection, so that no queue of other commands delays it. */
    private final RedisClusterAsyncCommands<String, String> heartbeats;
    private final RedisNames names;
    private final Runnable lapsed;

    private volatile String lease;
    private volatile boolean live;
    /** When the last renewal that Redis confirmed was sent, in {@link System#nanoTime} terms. */
    private volatile long renewedAt;
    private int leases;
    private ScheduledFuture<?> ticks;

    ClusterNode(String id, Duration ttl, Duration timeout, HistoryLimits limits, RedisClusterAsyncCommands<String, String> redis,
            RedisClusterAsyncCommands<String, String> heartbeats, Runnable lapsed) {
        this.id = id;
        this.ttl = ttl;
        this.timeout = timeout;
        this.limits = limits;
        this.redis = redis;
        this.heartbeats = heartbeats;
        this.lapsed = lapsed;
        this.lease = newLease();
        this.names = new RedisNames(redis, () -> lease);
    }

    String lease() {
        return lease;
    }

    RedisNames names() {
        return names;
    }

    /** Whether this node holds a live lease: it may serve clients. */
    boolean isLive() {
        return live && System.nanoTime() - renewedAt < ttl.toNanos();
    }

    /**
     * Takes a lease, waiting for Redis at most the command timeout (this runs at deployment, off the
     * message path), then renews it and reaps other nodes' every third of the TTL.
     */
    void start(ScheduledExecutorService scheduler) {
        try {
            renew(true).toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "node " + id + " could not reach Redis at start; it serves no chat until it does", e);
        }
        long every = Math.max(1, ttl.toMillis() / 3);
        ticks = scheduler.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /** Stops renewing and reaping, without leaving: what a node that dies does. */
    void halt() {
        if (ticks != null) {
            ticks.cancel(false);
        }
        live = false;
    }

    /**
     * Leaves the cluster: this node's members leave everywhere and its names are freed, before its
     * connections go (undeploy or shutdown). Waits at most the command timeout.
     */
    void stop() {
        halt();
        String own = lease;
        try {
            evict(own, "leaving").thenCompose(done -> redis.zrem(RedisKeys.LEASES, own)).toCompletableFuture()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "node " + id + " could not remove its members; the other nodes will, after the TTL", e);
        }
    }

    private void tick() {
        try {
            if (live && System.nanoTime() - renewedAt >= ttl.toNanos()) {
                lapse("has not renewed its lease for " + ttl.toSeconds() + " s");
            }
            renew(!live);
            reap();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "node " + id + ": cluster tick failed", e);
        }
    }

    private CompletionStage<Void> renew(boolean fresh) {
        if (fresh) {
            lease = newLease();
        }
        String renewing = lease;
        long sent = System.nanoTime();
        return HEARTBEAT.<Long>run(heartbeats, new String[] {RedisKeys.LEASES}, renewing, Long.toString(ttl.toMillis()),
                fresh ? "1" : "0").handle((alive, failure) -> {
                    if (failure != null) {
                        LOG.log(Level.FINE, "node " + id + " could not renew its lease", failure);
                    } else if (alive == 1) {
                        renewedAt = sent;
                        if (!live && renewing.equals(lease)) {
                            live = true;
                            LOG.info(() -> "node " + id + " is in the cluster as " + renewing);
                        }
                    } else if (renewing.equals(lease)) {
                        lapse("found its lease " + renewing + " expired or evicted");
                    }
                    return null;
                });
    }

    private synchronized void lapse(String why) {
        if (!live) {
            return;
        }
        live = false;
        LOG.severe("node " + id + " " + why + ": closing its clients (1012) so that they go to other nodes");
        lapsed.run();
    }

    /** Evicts the nodes whose leases expired longer ago than a command may take. */
    private void reap() {
        EXPIRED.<List<String>>run(redis, new String[] {RedisKeys.LEASES}, Long.toString(timeout.toMillis()),
                Long.toString(EVICTIONS_PER_LEASE * ttl.toMillis()), Integer.toString(REAP_BATCH))
                .thenAccept(expired -> expired.forEach(lease -> evict(lease, "reaper")))
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        LOG.log(Level.FINE, "node " + id + " could not reap", failure);
                    }
                });
    }

    /** Removes a lease's members from every room it filed, then frees its names; counted under {@code cause}. */
    CompletionStage<Void> evict(String evicted, String cause) {
        return redis.smembers(RedisKeys.roomsOf(evicted)).thenCompose(rooms -> {
            CompletableFuture<?>[] each = rooms.stream().map(room -> {
                RedisKeys keys = RedisKeys.of(Stream.room(room));
                return EVICT.<Long>run(redis, keys.membership(), evicted, keys.channel(),
                        Long.toString(limits.ttl().toMillis()), Epochs.next()).thenAccept(gone -> {
                            if (gone > 0) {
                                Meters.evicted(gone, cause);
                                LOG.info(() -> "evicted " + gone + " member(s) of node " + evicted + " from room " + room);
                            }
                        }).toCompletableFuture();
            }).toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(each);
        }).thenCompose(done -> names.releaseAll(evicted)).thenCompose(freed -> redis.del(RedisKeys.roomsOf(evicted)))
                .thenApply(done -> null);
    }

    private String newLease() {
        return id + "." + (++leases) + "." + UUID.randomUUID().toString().substring(0, 8);
    }
}
