package dev.parley.chat.bus.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import reactor.core.Disposable;

/**
 * The bus's connections to Redis, one for commands, one for sharded pub/sub, one for the lease's
 * heartbeats and, where acks wait for replicas, one for that wait ({@link ReplicaAcks}), to a single Redis
 * (watched by Sentinel or not) or to a Redis Cluster. The bus sees no difference but one: on a cluster
 * Lettuce does not keep sharded subscriptions by itself (see {@link #onSubscriptionsAtRisk}).
 */
final class RedisLink implements AutoCloseable {

    /** The URI scheme of a Redis Cluster: {@code redis-cluster://host:port,host:port,...}; TLS with {@code rediss-cluster}. */
    static final String CLUSTER = "redis-cluster";
    static final String CLUSTER_TLS = "rediss-cluster";
    /** How often a cluster's topology is read again anyway, besides when a redirect or a lost node says it changed. */
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);
    /** At most one refresh per this, however many redirects say so (a slot migration sends many). */
    private static final Duration ADAPTIVE_REFRESH_LIMIT = Duration.ofSeconds(5);

    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final StatefulConnection<String, String> leaseConnection;
    private final RedisClusterAsyncCommands<String, String> lease;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    /** Null unless acks wait for replicas. */
    private final StatefulRedisConnection<String, String> replicationConnection;
    /** How many times any of this link's connections was made, reconnects included. */
    private final AtomicLong connects;
    private final boolean cluster;
    private Disposable topologyWatch;

    private RedisLink(AbstractRedisClient client, StatefulConnection<String, String> connection,
            RedisClusterAsyncCommands<String, String> commands, StatefulConnection<String, String> leaseConnection,
            RedisClusterAsyncCommands<String, String> lease, StatefulRedisPubSubConnection<String, String> pubsub,
            StatefulRedisConnection<String, String> replicationConnection, AtomicLong connects, boolean cluster) {
        this.client = client;
        this.connection = connection;
        this.commands = commands;
        this.leaseConnection = leaseConnection;
        this.lease = lease;
        this.pubsub = pubsub;
        this.replicationConnection = replicationConnection;
        this.connects = connects;
        this.cluster = cluster;
    }

    /**
     * Connects to {@code uri}: a Redis Cluster's seed nodes ({@code redis-cluster://}), else one Redis
     * ({@code redis://}, {@code rediss://}, {@code redis-sentinel://}). Every command fails after the timeout.
     * With {@code waitForReplicas}, it opens a connection for {@link ReplicaAcks} too: one Redis only, as a
     * cluster's WAIT would have to go to each room's own master.
     */
    static RedisLink open(String uri, Duration timeout, boolean waitForReplicas) {
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        Optional<List<RedisURI>> seeds = clusterSeeds(uri);
        if (seeds.isPresent() && waitForReplicas) {
            throw new IllegalArgumentException("parley.redis.replicas needs one Redis (redis:// or redis-sentinel://),"
                    + " not a Redis Cluster");
        }
        if (seeds.isPresent()) {
            RedisClusterClient client = RedisClusterClient.create(seeds.get());
            client.setOptions(ClusterClientOptions.builder().timeoutOptions(timeouts)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_LIMIT)
                            .build())
                    .build());
            return shutDownUnless(client, () -> {
                StatefulRedisClusterConnection<String, String> connection = client.connect(StringCodec.UTF8);
                StatefulRedisClusterConnection<String, String> lease = client.connect(StringCodec.UTF8);
                return new RedisLink(client, connection, connection.async(), lease, lease.async(),
                        client.connectPubSub(StringCodec.UTF8), null, new AtomicLong(), true);
            });
        }
        RedisClient client = RedisClient.create(RedisURI.create(uri));
        client.setOptions(ClientOptions.builder().timeoutOptions(timeouts).build());
        AtomicLong connects = new AtomicLong();
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
                connects.incrementAndGet();
            }
        });
        return shutDownUnless(client, () -> {
            StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
            StatefulRedisConnection<String, String> lease = client.connect(StringCodec.UTF8);
            return new RedisLink(client, connection, connection.async(), lease, lease.async(),
                    client.connectPubSub(StringCodec.UTF8), waitForReplicas ? client.connect(StringCodec.UTF8) : null,
                    connects, false);
        });
    }

    /** A client whose connections could not all be made goes, with its threads, rather than linger. */
    private static RedisLink shutDownUnless(AbstractRedisClient client, Supplier<RedisLink> connected) {
        try {
            return connected.get();
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /**
     * A cluster URI's seeds, each a {@code redis://} (or {@code rediss://}) URI with the cluster URI's
     * user info, path and query; empty for any other scheme. Lettuce's own URIs take one host only.
     */
    static Optional<List<RedisURI>> clusterSeeds(String uri) {
        int colon = uri.indexOf("://");
        String scheme = colon < 0 ? "" : uri.substring(0, colon);
        if (!scheme.equals(CLUSTER) && !scheme.equals(CLUSTER_TLS)) {
            return Optional.empty();
        }
        String rest = uri.substring(colon + 3);
        int at = rest.lastIndexOf('@', firstOf(rest, "/?#"));
        String userInfo = at < 0 ? "" : rest.substring(0, at + 1);
        String afterUser = rest.substring(at + 1);
        int end = firstOf(afterUser, "/?#");
        String tail = afterUser.substring(end);
        List<RedisURI> seeds = new ArrayList<>();
        for (String host : afterUser.substring(0, end).split(",")) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("an empty seed node in " + uri);
            }
            seeds.add(RedisURI.create((scheme.equals(CLUSTER) ? "redis" : "rediss") + "://" + userInfo + host.strip() + tail));
        }
        return Optional.of(seeds);
    }

    private static int firstOf(String text, String characters) {
        int first = text.length();
        for (char c : characters.toCharArray()) {
            int at = text.indexOf(c);
            if (at >= 0 && at < first) {
                first = at;
            }
        }
        return first;
    }

    RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    /**
     * The lease's own connection: a heartbeat queued behind thousands of commands (a failover's resume
     * storm) came too late, and a node that was fine lapsed and closed its clients, adding to the storm.
     */
    RedisClusterAsyncCommands<String, String> lease() {
        return lease;
    }

    StatefulRedisPubSubConnection<String, String> pubsub() {
        return pubsub;
    }

    /** How many times any of this link's connections was made so far, reconnects included (one Redis only). */
    long connects() {
        return connects.get();
    }

    /** The connection that waits for replicas; present only if opened with {@code waitForReplicas}. */
    Optional<RedisClusterAsyncCommands<String, String>> replication() {
        return Optional.ofNullable(replicationConnection).map(StatefulRedisConnection::async);
    }

    /** Whether the command and pub/sub connections are up (Lettuce reconnects them by itself when not). */
    boolean isConnected() {
        return connection.isOpen() && leaseConnection.isOpen();
    }

    boolean isSubscribing() {
        return pubsub.isOpen();
    }

    boolean isCluster() {
        return cluster;
    }

    /**
     * Tells {@code resubscribe} whenever a cluster's sharded subscriptions may have been lost without a
     * word: a pub/sub connection to a node came (back) up, or the topology changed (a failover moves a
     * slot's channels to a node this node never subscribed on). Lettuce 6.8 subscribes again after a
     * reconnect only with one SSUBSCRIBE for all of a connection's channels, which a cluster refuses
     * (CROSSSLOT) once they span slots, and it never moves a subscription to a slot's new owner. A single
     * Redis needs none of this: Lettuce subscribes again by itself.
     */
    void onSubscriptionsAtRisk(Runnable resubscribe) {
        if (!cluster) {
            return;
        }
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
                if (connection instanceof StatefulRedisPubSubConnection) {
                    resubscribe.run();
                }
            }
        });
        topologyWatch = client.getResources().eventBus().get().filter(ClusterTopologyChangedEvent.class::isInstance)
                .subscribe(changed -> resubscribe.run());
    }

    @Override
    public void close() {
        if (topologyWatch != null) {
            topologyWatch.dispose();
        }
        pubsub.close();
        if (replicationConnection != null) {
            replicationConnection.close();
        }
        leaseConnection.close();
        connection.close();
        client.shutdown();
    }
}
