package dev.parley.connection;

import dev.parley.config.ParleyConfig;
import dev.parley.ops.Meters;
import dev.parley.security.ClientAddress;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The live connections of every endpoint: the one registry that the endpoints, keepalive, the handshake
 * limits and the status resource share. Who a connection is in the chat is the chat's business.
 */
@ApplicationScoped
public class ConnectionRegistry {

    private static final Logger LOG = Logger.getLogger(ConnectionRegistry.class.getName());
    private static final String CONNECTION = Connection.class.getName();

    /**
     * Resolved with this class: on Payara, a class first loaded while the application shuts down is not
     * found any more (reproduced: no client heard 1001), and shutdown is when this one is needed.
     */
    private static final Disconnect SHUTDOWN = Disconnect.SHUTDOWN;

    private final Map<ParleyEndpoint, Set<Connection>> open = new EnumMap<>(ParleyEndpoint.class);
    /** Open connections per remote address. */
    private final Map<String, Integer> fromAddress = new ConcurrentHashMap<>();

    @Inject
    ParleyConfig config;

    /**
     * Closes slow consumers off the message path (a close may wait on the network), and starts the writes
     * of containers whose async send blocks. Defined in web.xml.
     */
    @Resource(lookup = "java:app/concurrent/parley-writers")
    ManagedExecutorService writers;

    /** {@link #writers}, handing tasks over cheaply on Payara ({@link BareLoader}); writes start there often. */
    private Executor writeStarts;
    private Tyrus tyrus;

    public ConnectionRegistry() {
        for (ParleyEndpoint endpoint : ParleyEndpoint.values()) {
            open.put(endpoint, ConcurrentHashMap.newKeySet());
        }
    }

    /**
     * Open connections per endpoint are counted when metrics are read; the chat's, per protocol, are the
     * chat's to count ({@link #count}).
     */
    @PostConstruct
    void start() {
        tyrus = new Tyrus(config.tyrusIdleScheduler());
        writeStarts = BareLoader.submitting(writers);
        for (ParleyEndpoint endpoint : ParleyEndpoint.values()) {
            if (endpoint != ParleyEndpoint.CHAT) {
                Meters.gauge("parley.connections", "open WebSocket connections", () -> open.get(endpoint).size(),
                        "endpoint", endpoint.key(), "protocol", "none");
            }
        }
        Meters.gauge("parley.outbox.depth.max", "frames queued or in flight to the most backed-up connection",
                () -> connections().mapToInt(connection -> connection.outbox().pendingFrames()).max().orElse(0));
    }

    /**
     * Registers a newly opened session of {@code endpoint}. Handshakes that raced past the filter's limits
     * together are closed here with 1013 (try again later).
     */
    public Connection open(Session session, ParleyEndpoint endpoint) {
        Payara.enforceRequestScope(session);
        boolean bareLoaderSends = tyrus.adopt(session) == Tyrus.Adopted.BARE_LOADER_SENDS;
        Optional<Executor> ioThread = Undertow.ioThread(session);
        Executor writer = config.outboxWriter().writerFor(session, ioThread, writeStarts);
        int batchLimit = ioThread.isPresent() ? Undertow.BATCH_LIMIT : 1;
        Outbox outbox = new Outbox(session.getId(), new SessionTransport(session, batchLimit, bareLoaderSends), writer,
                writers, config.outboxLimits(), Ticker.SYSTEM);
        Optional<String> address = ClientAddress.of(session);
        Connection connection = new Connection(session, endpoint, address, outbox, config.maxMessageBytes(endpoint),
                config.rateLimits(), Ticker.SYSTEM);
        session.getUserProperties().put(CONNECTION, connection);
        open.get(endpoint).add(connection);
        int sameAddress = address.map(a -> fromAddress.merge(a, 1, Integer::sum)).orElse(0);
        if (sameAddress > config.maxConnectionsPerAddress() || openConnectionCount() > config.maxConnections()) {
            LOG.warning(() -> "session " + session.getId() + " from " + address.orElse("?")
                    + " is over a connection limit; closing it with 1013");
            connection.close(Disconnect.TOO_MANY_CONNECTIONS);
        }
        return connection;
    }

    /** The connection {@link #open} made for this session. */
    public Connection of(Session session) {
        Connection connection = (Connection) session.getUserProperties().get(CONNECTION);
        if (connection == null) {
            throw new IllegalStateException("session " + session.getId() + " was never opened");
        }
        return connection;
    }

    /** Forgets a closed connection. */
    public void close(Connection connection) {
        connection.outbox().discard();
        if (open.get(connection.endpoint()).remove(connection)) {
            connection.address().ifPresent(a -> fromAddress.computeIfPresent(a, (key, n) -> n == 1 ? null : n - 1));
        }
    }

    /** How many connections {@code address} has open, all endpoints together. */
    public int openConnectionsFrom(String address) {
        return fromAddress.getOrDefault(address, 0);
    }

    /**
     * On undeploy or shutdown every client hears 1001 (going away) rather than a dropped connection.
     * Direct closes: the managed executor may already be stopping.
     */
    @PreDestroy
    void goingAway() {
        open.values().forEach(connections -> connections.forEach(this::closeForShutdown));
        tyrus.close();
    }

    /**
     * One connection's close must not keep the others from theirs: a container may run the endpoint's
     * onClose inside the close, and at shutdown that may fail as the application's classes go away.
     */
    private void closeForShutdown(Connection connection) {
        try {
            connection.closeNow(SHUTDOWN);
        } catch (RuntimeException | LinkageError e) {
            LOG.fine(() -> "session " + connection.id() + " failed while closing for shutdown: " + e);
        }
    }

    /** Closes every connection of {@code endpoint} for {@code why}, after what was queued to it. */
    public void closeAll(ParleyEndpoint endpoint, Disconnect why) {
        open.get(endpoint).forEach(connection -> connection.close(why));
    }

    /** Every open connection, all endpoints together. */
    Stream<Connection> connections() {
        return open.values().stream().flatMap(Set::stream);
    }

    /** How many of {@code endpoint}'s open connections are {@code which}. */
    public long count(ParleyEndpoint endpoint, Predicate<Connection> which) {
        return open.get(endpoint).stream().filter(which).count();
    }

    /** How many connections are open, all endpoints together. */
    public int openConnectionCount() {
        return open.values().stream().mapToInt(Set::size).sum();
    }

    /** How many connections each endpoint has open. */
    public Map<ParleyEndpoint, Integer> openConnections() {
        Map<ParleyEndpoint, Integer> counts = new EnumMap<>(ParleyEndpoint.class);
        open.forEach((endpoint, connections) -> counts.put(endpoint, connections.size()));
        return counts;
    }
}
