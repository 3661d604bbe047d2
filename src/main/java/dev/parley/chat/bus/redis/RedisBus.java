package dev.parley.chat.bus.redis;

import dev.parley.chat.bus.Appended;
import dev.parley.chat.bus.ChatBus;
import dev.parley.chat.bus.Draft;
import dev.parley.chat.bus.Epochs;
import dev.parley.chat.bus.HistoryLimits;
import dev.parley.chat.bus.Names;
import dev.parley.chat.bus.Recovery;
import dev.parley.chat.bus.Slice;
import dev.parley.chat.bus.Stored;
import dev.parley.chat.bus.Stream;
import dev.parley.chat.bus.StreamListener;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.ops.Meters;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bus of a cluster: streams live in Redis, so every node sees one numbering and one history, and a
 * client resumes on any node. Each change is one atomic script that also publishes it (sharded pub/sub),
 * so every event is numbered and told once cluster-wide; a node subscribes only to the streams its own
 * members hear, and fills any gap in a channel from the log ({@link StreamDelivery}). Every call is
 * asynchronous, bounded by the command timeout.
 */
public final class RedisBus implements ChatBus, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisBus.class.getName());

    private static final Script APPEND = Script.of("append", ScriptOutputType.MULTI);
    private static final Script MEMBERSHIP = Script.of("membership", ScriptOutputType.INTEGER);
    private static final Script STATE = Script.of("state", ScriptOutputType.MULTI);
    private static final Script RECOVER = Script.of("recover", ScriptOutputType.MULTI);
    private static final Script BEFORE = Script.of("before", ScriptOutputType.MULTI);
    private static final Script DROP_EPOCH = Script.of("drop_epoch", ScriptOutputType.INTEGER);

    private final HistoryLimits limits;
    /** How long a Redis call may take. */
    private final Duration timeout;
    /**
     * A failed catch-up read is tried again this much later, off any lock, as many times as fit in the
     * command timeout (each try may itself take up to the timeout when Redis does not answer at all).
     */
    private static final long CATCH_UP_RETRY_MILLIS = 100;
    private static final Executor CATCH_UP_RETRY = CompletableFuture.delayedExecutor(CATCH_UP_RETRY_MILLIS,
            TimeUnit.MILLISECONDS, Runnable::run);
    private final ClusterNode node;
    private final RedisLink link;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final ReplicaAcks replicated;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    /** This node's deliveries, by channel. */
    private final ConcurrentHashMap<String, StreamDelivery> deliveries = new ConcurrentHashMap<>();
    /** This node's subscriptions, done once Redis confirmed them and the stream's state was read: a stream's calls wait for its own. */
    private final ConcurrentHashMap<Stream, CompletableFuture<Void>> subscriptions = new ConcurrentHashMap<>();
    /**
     * Held while deciding whether to subscribe or unsubscribe a channel and asking Lettuce to: the commands
     * then reach Redis in the order decided, so that an unsubscribe never overtakes a subscribe meant to stay.
     */
    private final Object subscribing = new Object();

    private RedisBus(ClusterSettings cluster, HistoryLimits limits, RedisLink link, Runnable lapsed) {
        this.limits = limits;
        this.timeout = cluster.timeout();
        this.link = link;
        this.redis = link.commands();
        this.replicated = new ReplicaAcks(cluster.replicas(), cluster.timeout(),
                cluster.replicas() > 0 ? link.replication().orElseThrow() : redis, link::connects);
        this.node = new ClusterNode(cluster.nodeId(), cluster.nodeTtl(), cluster.timeout(), limits, redis, link.lease(),
                lapsed);
        this.pubsub = link.pubsub();
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void smessage(String channel, String message) {
                heard(channel, message);
            }

            /**
             * Also called when Lettuce subscribes again after a reconnect: what was published meanwhile is in
             * the log. Lettuce subscribes again to every channel it has not seen unsubscribed, so also to one
             * left while Redis was unreachable (the unsubscribe timed out unsent): that one is left again.
             */
            @Override
            public void ssubscribed(String channel, long count) {
                StreamDelivery delivery;
                synchronized (subscribing) {
                    delivery = deliveries.get(channel);
                    if (delivery == null) {
                        watch(pubsub.async().sunsubscribe(channel), "unsubscribe again from " + channel);
                        return;
                    }
                }
                delivery.subscribed();
            }

            /** A cluster node that gives up a slot unsubscribes its channels: subscribe where the slot lives now. */
            @Override
            public void sunsubscribed(String channel, long count) {
                if (link.isCluster() && deliveries.containsKey(channel)) {
                    resubscribe(channel);
                }
            }
        });
        link.onSubscriptionsAtRisk(this::resubscribeAll);
    }

    /**
     * Connects to the cluster's Redis (a {@code redis://}, {@code rediss://} or {@code redis-sentinel://}
     * URI, or a Redis Cluster's {@code redis-cluster://host:port,host:port,...}); Redis calls fail after
     * the timeout. {@code lapsed} is told when this node has lost its place in the cluster and must close
     * its clients. Call {@link #start} to take part.
     */
    public static RedisBus connect(ClusterSettings cluster, HistoryLimits limits, Runnable lapsed) {
        return new RedisBus(cluster, limits, RedisLink.open(cluster.redisUri(), cluster.timeout(), cluster.replicas() > 0), lapsed);
    }

    /** A node of a random id, with the default TTL, that nobody is told of when it lapses (tests). */
    public static RedisBus connect(String uri, Duration timeout, HistoryLimits limits) {
        return connect(new ClusterSettings(uri, "node-" + Epochs.next(), Duration.ofSeconds(15), timeout), limits, () -> {
        });
    }

    /** Takes this node's lease (waiting for Redis up to the timeout), then keeps it and reaps dead nodes'. */
    public void start(ScheduledExecutorService scheduler) {
        node.start(scheduler);
    }

    /** Whether this node holds a live lease, so that it may serve clients. */
    public boolean isLive() {
        return node.isLive();
    }

    /** Readiness, check by check: Redis reachable, pub/sub connected, the lease's heartbeat fresh. */
    public Map<String, Boolean> checks() {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("redis", link.isConnected());
        checks.put("pubsub", link.isSubscribing());
        checks.put("heartbeat", node.isLive());
        return checks;
    }

    /** Leaves the cluster at undeploy or shutdown: this node's members leave everywhere, its names are freed. */
    public void stop() {
        node.stop();
    }

    @Override
    public Names names() {
        return node.names();
    }

    /** Acknowledged once stored, and held by as many replicas as the settings ask (a duplicate's first store too). */
    @Override
    public CompletionStage<Appended> append(Stream stream, Draft draft) {
        RedisKeys keys = RedisKeys.of(stream);
        String cidKey = draft.cid().map(cid -> keys.cid(draft.from(), cid)).orElse(keys.meta());
        return APPEND.<List<Object>>run(redis, new String[] {keys.meta(), keys.log(), keys.members(), cidKey},
                Epochs.next(), Integer.toString(limits.size()), Long.toString(limits.ttl().toMillis()),
                Long.toString(limits.dedupe().toMillis()), keys.channel(), draft.from(), draft.text(),
                draft.to().orElse(""), draft.cid().orElse(""))
                .thenCompose(reply -> replicated.await().thenApply(done -> new Appended((String) reply.get(0),
                        (Long) reply.get(1), (Long) reply.get(2) == 1)));
    }

    /**
     * Two steps, each stored once by its own cid: one script per inbox keeps each in its own slot. Should
     * the node die between them, the client's retry stores the sender's copy as a duplicate and the
     * receiver's anew.
     */
    @Override
    public CompletionStage<Appended> appendPrivate(Draft draft) {
        Stream to = Stream.inbox(draft.to().orElseThrow());
        Stream from = Stream.inbox(draft.from());
        CompletionStage<Appended> own = append(from, draft);
        return to.equals(from) ? own : own.thenCompose(stored -> append(to, draft).thenApply(received -> stored));
    }

    @Override
    public CompletionStage<Void> announceJoin(Stream room, Names.Claim member, String content) {
        return membership(room, "j", member, content);
    }

    @Override
    public CompletionStage<Void> announceLeave(Stream room, Names.Claim member, String content) {
        return membership(room, "l", member, content);
    }

    /**
     * A join is filed under the lease of the node that holds the session before it is made, so that a
     * reaper finds it should the node die; both wait for the node to know the room's state, so that the
     * join's version is after it.
     */
    private CompletionStage<Void> membership(Stream room, String kind, Names.Claim member, String content) {
        RedisKeys keys = RedisKeys.of(room);
        CompletionStage<?> filed = "j".equals(kind)
                ? ready(room).thenCompose(ready -> redis.sadd(RedisKeys.roomsOf(RedisNames.leaseOf(member)), room.name()))
                : ready(room);
        return filed.thenCompose(done -> MEMBERSHIP.<Long>run(redis, keys.membership(), kind, member.name(), content,
                keys.channel(), Long.toString(limits.ttl().toMillis()), Epochs.next(), member.token()))
                .thenApply(changed -> null);
    }

    @Override
    public CompletionStage<Recovery> recover(Stream stream, Optional<Position> since, int latest) {
        RedisKeys keys = RedisKeys.of(stream);
        return ready(stream).thenCompose(ready -> RECOVER.<List<Object>>run(redis, keys.stream(), Epochs.next(),
                since.map(Position::epoch).orElse(""), Long.toString(since.map(Position::seq).orElse(0L)),
                Integer.toString(latest), Long.toString(limits.ttl().toMillis()))).thenApply(reply -> {
                    boolean recovered = (Long) reply.get(2) == 1;
                    List<Stored> messages = entries(reply.get(3));
                    if (!recovered) {
                        Collections.reverse(messages); // read newest first
                    }
                    return new Recovery((String) reply.get(0), (Long) reply.get(1), recovered, messages);
                });
    }

    @Override
    public CompletionStage<Slice> before(Stream stream, long before, int limit, long maxWeight) {
        RedisKeys keys = RedisKeys.of(stream);
        return BEFORE.<List<Object>>run(redis, keys.stream(), Epochs.next(),
                Long.toString(before), Integer.toString(limit + 1), Long.toString(limits.ttl().toMillis()))
                .thenApply(reply -> {
                    List<Stored> newestFirst = entries(reply.get(1));
                    List<Stored> page = new ArrayList<>();
                    long weight = 0;
                    for (Stored message : newestFirst) {
                        if (page.size() == limit || weight + message.weight() > maxWeight && !page.isEmpty()) {
                            break;
                        }
                        page.add(message);
                        weight += message.weight();
                    }
                    boolean more = page.size() < newestFirst.size();
                    Collections.reverse(page);
                    return new Slice((String) reply.get(0), page, more);
                });
    }

    /** Subscribes to the stream's channel, then reads where the stream is: its calls wait for both. */
    @Override
    public void subscribe(Stream stream, StreamListener listener) {
        RedisKeys keys = RedisKeys.of(stream);
        StreamDelivery delivery = new StreamDelivery(listener, position -> state(stream, position),
                CATCH_UP_RETRY, (int) (timeout.toMillis() / CATCH_UP_RETRY_MILLIS));
        synchronized (subscribing) {
            deliveries.put(keys.channel(), delivery);
            subscriptions.put(stream, started(keys, delivery));
        }
    }

    private CompletableFuture<Void> started(RedisKeys keys, StreamDelivery delivery) {
        // should the confirmation not come (it always has), the start reads after the timeout rather than never
        return pubsub.async().ssubscribe(keys.channel())
                .thenCompose(subscribed -> delivery.confirmation().completeOnTimeout(null, timeout.toMillis(),
                        TimeUnit.MILLISECONDS))
                .thenCompose(confirmed -> delivery.start()).toCompletableFuture();
    }

    @Override
    public void unsubscribe(Stream stream) {
        RedisKeys keys = RedisKeys.of(stream);
        synchronized (subscribing) {
            if (deliveries.remove(keys.channel()) == null) {
                return;
            }
            subscriptions.remove(stream);
            watch(pubsub.async().sunsubscribe(keys.channel()), "unsubscribe from " + keys.channel());
        }
        if (stream.kind() == Stream.Kind.ROOM) {
            watch(redis.srem(RedisKeys.roomsOf(node.lease()), stream.name()), "unfile room " + stream.name());
        }
    }

    @Override
    public void drop(Stream stream) {
        RedisKeys keys = RedisKeys.of(stream);
        // one connection (on a cluster, the slot's) runs its commands in order: whatever this node asks of the
        // stream next sees it gone
        watch(redis.del(keys.meta(), keys.log()), "drop " + keys.tag());
    }

    /**
     * Drops only the epoch this node heard: should Redis get the drop late (this node was cut off, and its
     * commands were on their way), the user's name may have been freed meanwhile and taken on another
     * node, which started the inbox afresh; that one must stay. A stream never heard here is left to expire.
     */
    @Override
    public void retire(Stream stream) {
        RedisKeys keys = RedisKeys.of(stream);
        StreamDelivery delivery = deliveries.get(keys.channel());
        Optional<String> heard = delivery == null ? Optional.empty() : delivery.epoch();
        unsubscribe(stream);
        heard.ifPresent(epoch -> watch(DROP_EPOCH.run(redis, new String[] {keys.meta(), keys.log()}, epoch),
                "drop " + keys.tag()));
    }

    /** Disconnects; without {@link #stop} first, this node's members stay until the others evict them. */
    @Override
    public void close() {
        node.halt();
        link.close();
    }

    /**
     * Done once this node hears the stream and knows where it is; a start that failed (Redis was away) is
     * tried again by the next call that needs it.
     */
    private CompletionStage<Void> ready(Stream stream) {
        CompletableFuture<Void> started = subscriptions.get(stream);
        if (started == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (started.isCompletedExceptionally()) {
            RedisKeys keys = RedisKeys.of(stream);
            StreamDelivery delivery = deliveries.get(keys.channel());
            if (delivery != null) {
                CompletableFuture<Void> again = started(keys, delivery);
                return subscriptions.replace(stream, started, again) ? again : ready(stream);
            }
        }
        return started;
    }

    /** Each channel on its own: one SSUBSCRIBE per slot is what a cluster takes. Its confirmation catches the stream up. */
    private void resubscribeAll() {
        deliveries.keySet().forEach(this::resubscribe);
    }

    private void resubscribe(String channel) {
        watch(pubsub.async().ssubscribe(channel), "subscribe again to " + channel);
    }

    private void heard(String channel, String message) {
        StreamDelivery delivery = deliveries.get(channel);
        if (delivery == null) {
            return; // unsubscribed meanwhile
        }
        StreamDelivery.Event event;
        try {
            event = ChannelEvents.read(message);
            delivery.on(event);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "unreadable event on " + channel + ": " + message, e);
            return;
        }
        if (event instanceof StreamDelivery.Posted posted) {
            Meters.heardAfter(posted.message().timeMillis()); // after the delivery, which a meter must not stop
        }
    }

    /** Where the stream is, with its messages after this node's position: a node's start, or its catch-up after a gap. */
    @SuppressWarnings("unchecked")
    private CompletionStage<StreamDelivery.State> state(Stream stream, StreamDelivery.Position at) {
        RedisKeys keys = RedisKeys.of(stream);
        return STATE.<List<Object>>run(redis, keys.stream(), Epochs.next(), at.epoch().orElse(""), Long.toString(at.seq()),
                Long.toString(limits.ttl().toMillis()), Long.toString(at.lastSeq()), Long.toString(at.lastMillis()))
                .thenApply(reply -> new StreamDelivery.State((String) reply.get(0), (Long) reply.get(1), (Long) reply.get(2),
                        List.copyOf((List<String>) reply.get(3)), entries(reply.get(4)), (Long) reply.get(5),
                        (Long) reply.get(6), (Long) reply.get(7)));
    }

    private static List<Stored> entries(Object reply) {
        List<Stored> messages = new ArrayList<>();
        for (Object entry : (List<?>) reply) {
            messages.add(ChannelEvents.stored((List<?>) entry));
        }
        return messages;
    }

    private static void watch(CompletionStage<?> call, String what) {
        call.whenComplete((done, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "Redis could not " + what, failure);
            }
        });
    }
}
