package dev.parley.chat;

import dev.parley.chat.bus.LocalBus;
import dev.parley.chat.bus.redis.ClusterSettings;
import dev.parley.chat.bus.redis.RedisBus;
import dev.parley.config.ParleyConfig;
import dev.parley.connection.Connection;
import dev.parley.connection.ConnectionRegistry;
import dev.parley.connection.Disconnect;
import dev.parley.connection.ParleyEndpoint;
import dev.parley.ops.Meters;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The chat engine of this application: a single node on the in-memory bus, or, with {@code
 * parley.redis.uri} set, a node of a cluster on the Redis bus.
 */
@ApplicationScoped
public class ChatService {

    private static final Logger LOG = Logger.getLogger(ChatService.class.getName());

    /** How often expired history and cids are dropped and empty rooms forgotten (in-memory bus). */
    private static final long SWEEP_SECONDS = 5;

    @Inject
    ParleyConfig config;

    @Inject
    ConnectionRegistry registry;

    /** Presence flushes, the history sweep and the cluster's heartbeats (web.xml). */
    @Resource(lookup = "java:app/concurrent/parley-scheduler")
    ManagedScheduledExecutorService scheduler;

    private Chat chat;
    /** The cluster's bus; null on a single node. */
    private RedisBus cluster;
    private Runnable stopping;

    @PostConstruct
    void start() {
        if (config.cluster().isPresent()) {
            ClusterSettings settings = config.cluster().get();
            cluster = RedisBus.connect(settings, config.chat().history(), this::lapsed);
            cluster.start(scheduler);
            chat = new Chat(config.chat(), cluster, scheduler, Clock.systemUTC());
            stopping = () -> {
                cluster.stop();
                cluster.close();
            };
            LOG.info(() -> "chat: node " + settings.nodeId() + " of the cluster on " + settings.redisUri());
            metered();
            return;
        }
        LocalBus bus = new LocalBus(config.chat().history(), Clock.systemUTC());
        chat = new Chat(config.chat(), bus, scheduler, Clock.systemUTC());
        var sweeps = scheduler.scheduleWithFixedDelay(bus::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        stopping = () -> sweeps.cancel(false);
        metered();
    }

    /** What the chat counts when metrics are read: its connections per protocol, its users and rooms here. */
    private void metered() {
        for (Protocol protocol : Protocol.values()) {
            Meters.gauge("parley.connections", "open WebSocket connections", () -> registry.count(ParleyEndpoint.CHAT,
                    connection -> Protocol.negotiated(connection.subprotocol()) == protocol),
                    "endpoint", ParleyEndpoint.CHAT.key(), "protocol", protocol.name().toLowerCase(Locale.ROOT));
        }
        Meters.gauge("parley.users", "users with a session on this node", chat::localUsers);
        Meters.gauge("parley.rooms", "rooms with members on this node", chat::localRooms);
    }

    /** Made at deployment, not by the first client: a cluster node takes its lease before it serves anyone. */
    void deployed(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        // observing is enough: the container has made the bean and run start()
    }

    /** On undeploy or shutdown a cluster node's members leave everywhere first. */
    @PreDestroy
    void stop() {
        stopping.run();
    }

    /**
     * The chat session of a newly opened connection, in the protocol it negotiated; it has been greeted.
     * A cluster node out of the cluster closes it with 1012 at once, so that the client tries another.
     */
    ChatSession open(Connection connection, Protocol protocol) {
        ChatSession session = chat.open(protocol, new ConnectionPeer(connection), connection.login());
        if (cluster != null && !cluster.isLive()) {
            connection.close(Disconnect.NODE_LAPSED);
            return session;
        }
        session.opened();
        return session;
    }

    /**
     * Whether this node may serve, check by check: the chat is deployed, and on a cluster Redis is reachable,
     * pub/sub connected and the lease fresh.
     */
    public Map<String, Boolean> readiness() {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("chat", chat != null);
        if (cluster != null) {
            checks.putAll(cluster.checks());
        }
        return checks;
    }

    /** Every user name held, both protocols together and on every node, in order of claiming. */
    public CompletionStage<List<String>> users() {
        return chat.names().list();
    }

    /** This node lost its lease: its members are being evicted elsewhere, so its clients must go. */
    private void lapsed() {
        registry.closeAll(ParleyEndpoint.CHAT, Disconnect.NODE_LAPSED);
    }
}
