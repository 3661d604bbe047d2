package dev.parley.config;

import dev.parley.chat.ChatSettings;
import dev.parley.chat.bus.HistoryLimits;
import dev.parley.chat.bus.redis.ClusterSettings;
import dev.parley.connection.OutboxLimits;
import dev.parley.connection.OutboxWriter;
import dev.parley.connection.Tyrus;
import dev.parley.connection.ParleyEndpoint;
import dev.parley.connection.RateLimits;
import dev.parley.security.AddressBlocks;
import dev.parley.security.AuthSettings;
import dev.parley.security.OriginPolicy;
import dev.parley.security.TokenVerifier;
import dev.parley.security.TrustedProxies;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every Parley setting, read through MicroProfile Config: a system property {@code parley.x.y} or an
 * environment variable {@code PARLEY_X_Y} overrides the default named here.
 */
@ApplicationScoped
public class ParleyConfig {

    public static final String DEFAULT_MAX_MESSAGE_BYTES = "65536";
    /**
     * What the containers buffer of one message at most, whatever the settings: the endpoints'
     * {@code @OnMessage(maxMessageSize)}. A setting above it has no effect.
     */
    public static final int MESSAGE_BYTES_CEILING = 1 << 20;
    public static final String DEFAULT_OUTBOX_MAX_FRAMES = "8192";
    public static final String DEFAULT_RATE_PER_SECOND = "200";
    public static final String DEFAULT_RATE_BURST = "1000";
    public static final String DEFAULT_RATE_STRIKES = "100";
    public static final String DEFAULT_OUTBOX_MAX_BYTES = "4194304";
    public static final String DEFAULT_OUTBOX_STALL_MILLIS = "2000";
    public static final String DEFAULT_OUTBOX_WRITER = "auto";
    public static final String DEFAULT_TYRUS_IDLE_SCHEDULER = "auto";
    public static final String DEFAULT_MAX_CONNECTIONS = "10000";
    public static final String DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = "200";
    public static final String DEFAULT_KEEPALIVE_INTERVAL_SECONDS = "30";
    public static final String DEFAULT_KEEPALIVE_TIMEOUT_SECONDS = "75";
    public static final String DEFAULT_HISTORY_SIZE = "1000";
    public static final String DEFAULT_HISTORY_TTL_SECONDS = "3600";
    public static final String DEFAULT_HISTORY_ON_JOIN = "50";
    public static final String DEFAULT_HISTORY_MAX_BYTES = "268435456";
    public static final String DEFAULT_SEND_DEDUPE_SECONDS = "300";
    public static final String DEFAULT_PRESENCE_FULL_LIMIT = "500";
    public static final String DEFAULT_PRESENCE_INTERVAL_MILLIS = "250";
    public static final String DEFAULT_ROOMS_PER_CONNECTION = "64";
    public static final String DEFAULT_ROOMS_MAX = "100000";
    public static final String DEFAULT_NODE_TTL_SECONDS = "15";
    public static final String DEFAULT_REDIS_TIMEOUT_MILLIS = "2000";
    public static final List<String> DEFAULT_OPS_READERS = List.of("127.0.0.0/8", "::1");

    @Inject
    Config config;

    @Inject
    @ConfigProperty(name = "parley.max-message-bytes", defaultValue = DEFAULT_MAX_MESSAGE_BYTES)
    int maxMessageBytes;

    @Inject
    @ConfigProperty(name = "parley.max-connections", defaultValue = DEFAULT_MAX_CONNECTIONS)
    int maxConnections;

    @Inject
    @ConfigProperty(name = "parley.max-connections-per-address", defaultValue = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS)
    int maxConnectionsPerAddress;

    @Inject
    @ConfigProperty(name = "parley.keepalive.interval-seconds", defaultValue = DEFAULT_KEEPALIVE_INTERVAL_SECONDS)
    long keepaliveIntervalSeconds;

    @Inject
    @ConfigProperty(name = "parley.keepalive.timeout-seconds", defaultValue = DEFAULT_KEEPALIVE_TIMEOUT_SECONDS)
    long keepaliveTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "parley.rate.messages-per-second", defaultValue = DEFAULT_RATE_PER_SECOND)
    double ratePerSecond;

    @Inject
    @ConfigProperty(name = "parley.rate.burst", defaultValue = DEFAULT_RATE_BURST)
    int rateBurst;

    @Inject
    @ConfigProperty(name = "parley.rate.strikes", defaultValue = DEFAULT_RATE_STRIKES)
    int rateStrikes;

    @Inject
    @ConfigProperty(name = "parley.outbox.max-frames", defaultValue = DEFAULT_OUTBOX_MAX_FRAMES)
    int outboxMaxFrames;

    @Inject
    @ConfigProperty(name = "parley.outbox.max-bytes", defaultValue = DEFAULT_OUTBOX_MAX_BYTES)
    long outboxMaxBytes;

    @Inject
    @ConfigProperty(name = "parley.outbox.stall-millis", defaultValue = DEFAULT_OUTBOX_STALL_MILLIS)
    long outboxStallMillis;

    @Inject
    @ConfigProperty(name = "parley.outbox.writer", defaultValue = DEFAULT_OUTBOX_WRITER)
    String outboxWriter;

    @Inject
    @ConfigProperty(name = "parley.tyrus.idle-scheduler", defaultValue = DEFAULT_TYRUS_IDLE_SCHEDULER)
    String tyrusIdleScheduler;

    // ---- chat: history, presence, rooms

    @Inject
    @ConfigProperty(name = "parley.history.size", defaultValue = DEFAULT_HISTORY_SIZE)
    int historySize;

    @Inject
    @ConfigProperty(name = "parley.history.ttl-seconds", defaultValue = DEFAULT_HISTORY_TTL_SECONDS)
    long historyTtlSeconds;

    @Inject
    @ConfigProperty(name = "parley.history.on-join", defaultValue = DEFAULT_HISTORY_ON_JOIN)
    int historyOnJoin;

    @Inject
    @ConfigProperty(name = "parley.history.max-bytes", defaultValue = DEFAULT_HISTORY_MAX_BYTES)
    long historyMaxBytes;

    @Inject
    @ConfigProperty(name = "parley.send.dedupe-seconds", defaultValue = DEFAULT_SEND_DEDUPE_SECONDS)
    long sendDedupeSeconds;

    @Inject
    @ConfigProperty(name = "parley.presence.full-limit", defaultValue = DEFAULT_PRESENCE_FULL_LIMIT)
    int presenceFullLimit;

    @Inject
    @ConfigProperty(name = "parley.presence.interval-millis", defaultValue = DEFAULT_PRESENCE_INTERVAL_MILLIS)
    long presenceIntervalMillis;

    @Inject
    @ConfigProperty(name = "parley.rooms.per-connection", defaultValue = DEFAULT_ROOMS_PER_CONNECTION)
    int roomsPerConnection;

    @Inject
    @ConfigProperty(name = "parley.rooms.max", defaultValue = DEFAULT_ROOMS_MAX)
    int roomsMax;

    @Inject
    @ConfigProperty(name = "parley.cluster.node-ttl-seconds", defaultValue = DEFAULT_NODE_TTL_SECONDS)
    int nodeTtlSeconds;

    @Inject
    @ConfigProperty(name = "parley.redis.timeout-millis", defaultValue = DEFAULT_REDIS_TIMEOUT_MILLIS)
    int redisTimeoutMillis;

    @Inject
    @ConfigProperty(name = "parley.redis.replicas", defaultValue = "0")
    int redisReplicas;

    // ---- identity

    @Inject
    @ConfigProperty(name = "parley.auth.mode", defaultValue = "anonymous")
    String authMode;

    @Inject
    @ConfigProperty(name = "parley.auth.hello-timeout-seconds", defaultValue = AuthSettings.DEFAULT_HELLO_TIMEOUT_SECONDS)
    long authHelloTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "parley.auth.grace-seconds", defaultValue = AuthSettings.DEFAULT_GRACE_SECONDS)
    long authGraceSeconds;

    @Inject
    @ConfigProperty(name = "parley.auth.v1", defaultValue = "refuse")
    String authV1;

    @Inject
    @ConfigProperty(name = "parley.auth.max-connections-per-user",
            defaultValue = AuthSettings.DEFAULT_MAX_CONNECTIONS_PER_USER)
    int authMaxConnectionsPerUser;

    // what every handshake or connection needs, derived from the settings above once
    private final Map<ParleyEndpoint, Integer> maxMessageBytesPerEndpoint = new EnumMap<>(ParleyEndpoint.class);
    private OriginPolicy originPolicy;
    private TrustedProxies trustedProxies;
    private OutboxWriter outboxWriterChoice;
    private Tyrus.Choice tyrusIdleSchedulerChoice;
    private OutboxLimits outboxLimits;
    private RateLimits rateLimits;
    private ChatSettings chatSettings;
    private AddressBlocks opsReaders;
    private Optional<ClusterSettings> cluster;

    /**
     * {@code parley.allowed-origins} and {@code parley.trusted-proxies} are looked up rather than injected:
     * Payara cannot inject an optional list. A bad trusted proxy fails here too. A bad {@code parley.outbox.writer} or {@code parley.tyrus.idle-scheduler} fails here, at the first use of the settings.
     */
    @PostConstruct
    void derive() {
        for (ParleyEndpoint endpoint : ParleyEndpoint.values()) {
            maxMessageBytesPerEndpoint.put(endpoint, Math.min(MESSAGE_BYTES_CEILING,
                    config.getOptionalValue("parley." + endpoint.key() + ".max-message-bytes", Integer.class)
                            .orElse(maxMessageBytes)));
        }
        originPolicy = new OriginPolicy(config.getOptionalValues("parley.allowed-origins", String.class)
                .orElse(List.of()));
        trustedProxies = new TrustedProxies(config.getOptionalValues("parley.trusted-proxies", String.class)
                .orElse(List.of()));
        opsReaders = AddressBlocks.parse("parley.ops.allowed-addresses", config.getOptionalValues(
                "parley.ops.allowed-addresses", String.class).orElse(DEFAULT_OPS_READERS));
        outboxWriterChoice = OutboxWriter.valueOf(outboxWriter.strip().toUpperCase(Locale.ROOT));
        tyrusIdleSchedulerChoice = Tyrus.Choice.valueOf(tyrusIdleScheduler.strip().toUpperCase(Locale.ROOT));
        outboxLimits = new OutboxLimits(outboxMaxFrames, outboxMaxBytes, Duration.ofMillis(outboxStallMillis));
        rateLimits = new RateLimits(ratePerSecond, rateBurst, rateStrikes);
        chatSettings = new ChatSettings(new HistoryLimits(historySize, Duration.ofSeconds(historyTtlSeconds),
                historyMaxBytes, Duration.ofSeconds(sendDedupeSeconds)), historyOnJoin, presenceFullLimit,
                Duration.ofMillis(presenceIntervalMillis), roomsPerConnection, roomsMax, auth());
        cluster = config.getOptionalValue("parley.redis.uri", String.class).filter(uri -> !uri.isBlank())
                .map(uri -> new ClusterSettings(uri.strip(), config.getOptionalValue("parley.node.id", String.class)
                        .filter(id -> !id.isBlank()).orElseGet(() -> "node-" + UUID.randomUUID().toString().substring(0, 8)),
                        Duration.ofSeconds(nodeTtlSeconds), Duration.ofMillis(redisTimeoutMillis), redisReplicas));
    }

    /**
     * {@code parley.auth.*}: in {@code container} mode, the server's login; in {@code token} mode, tokens signed with {@code parley.auth.jwt.secret} (HS256),
     * or under {@code parley.auth.jwt.public-key} (a PEM file) or {@code parley.auth.jwt.jwks-file} (RS256,
     * ES256), with {@code parley.auth.jwt.issuer} and {@code parley.auth.jwt.audience} checked where set.
     * A mode without what it needs fails the deployment rather than let anyone in.
     */
    private AuthSettings auth() {
        AuthSettings.Mode mode;
        try {
            mode = AuthSettings.Mode.valueOf(authMode.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parley.auth.mode is 'anonymous', 'token' or 'container', not '"
                    + authMode + "'", e);
        }
        if (mode == AuthSettings.Mode.ANONYMOUS) {
            return AuthSettings.ANONYMOUS;
        }
        boolean v1Anonymous = switch (authV1.strip().toLowerCase(Locale.ROOT)) {
            case "anonymous" -> true;
            case "refuse" -> false;
            default -> throw new IllegalArgumentException("parley.auth.v1 is 'refuse' or 'anonymous', not " + authV1);
        };
        Optional<TokenVerifier> tokens = mode == AuthSettings.Mode.TOKEN ? Optional.of(tokens()) : Optional.empty();
        return new AuthSettings(mode, tokens, Duration.ofSeconds(authHelloTimeoutSeconds),
                Duration.ofSeconds(authGraceSeconds), v1Anonymous, authMaxConnectionsPerUser);
    }

    private TokenVerifier tokens() {
        Optional<String> issuer = setting("parley.auth.jwt.issuer");
        Optional<String> audience = setting("parley.auth.jwt.audience");
        Optional<String> secret = setting("parley.auth.jwt.secret");
        Optional<String> publicKey = setting("parley.auth.jwt.public-key");
        Optional<String> jwks = setting("parley.auth.jwt.jwks-file");
        if (secret.isPresent() ? publicKey.isPresent() || jwks.isPresent() : publicKey.isPresent() == jwks.isPresent()) {
            throw new IllegalArgumentException("parley.auth.mode=token takes exactly one of parley.auth.jwt.secret, "
                    + "parley.auth.jwt.public-key and parley.auth.jwt.jwks-file");
        }
        return secret.map(s -> TokenVerifier.withSecret(s, issuer, audience))
                .or(() -> publicKey.map(file -> TokenVerifier.withPublicKey(TokenVerifier.readPem(Path.of(file)), issuer,
                        audience)))
                .orElseGet(() -> TokenVerifier.withJwksFile(Path.of(jwks.get()), issuer, audience));
    }

    private Optional<String> setting(String name) {
        return config.getOptionalValue(name, String.class).map(String::strip).filter(value -> !value.isEmpty());
    }

    /**
     * {@code parley.redis.uri}, {@code parley.node.id} (a random one if unset), {@code
     * parley.cluster.node-ttl-seconds} and {@code parley.redis.timeout-millis}: the cluster this node is
     * part of; none, the default, is a single node on the in-memory bus.
     */
    public Optional<ClusterSettings> cluster() {
        return cluster;
    }

    /**
     * {@code parley.ops.allowed-addresses}: who may read metrics and health, as addresses and CIDR blocks;
     * loopback only unless set. They are off the WebSocket path, and say much about the server.
     */
    public AddressBlocks opsReaders() {
        return opsReaders;
    }

    /** History, presence and room limits of the chat. */
    public ChatSettings chat() {
        return chatSettings;
    }

    /**
     * Largest message, text (as UTF-8) or binary, that a client may send to {@code endpoint}:
     * {@code parley.<endpoint>.max-message-bytes}, else {@code parley.max-message-bytes}.
     */
    public int maxMessageBytes(ParleyEndpoint endpoint) {
        return maxMessageBytesPerEndpoint.get(endpoint);
    }

    /**
     * {@code parley.allowed-origins}: origins allowed besides the same origin, comma-separated;
     * {@code *} allows all.
     */
    public OriginPolicy originPolicy() {
        return originPolicy;
    }

    /**
     * {@code parley.trusted-proxies}: load balancers (addresses or CIDR blocks, comma-separated) whose
     * {@code X-Forwarded-For} or {@code Forwarded} names the client; empty, the default, trusts none.
     */
    public TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    /** How often an idle connection is pinged: well under the 60 s idle cut-off of common proxies. */
    public Duration keepaliveInterval() {
        return Duration.ofSeconds(keepaliveIntervalSeconds);
    }

    /** How long a peer may stay silent, pongs included, before it counts as dead and is dropped. */
    public Duration keepaliveTimeout() {
        return Duration.ofSeconds(keepaliveTimeoutSeconds);
    }

    /** Open WebSocket connections, all endpoints together, beyond which a handshake gets 503. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Open WebSocket connections from one remote address beyond which a handshake gets 503. */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** How fast one connection may send: excess messages are dropped, a flood closes it with 1008. */
    public RateLimits rateLimits() {
        return rateLimits;
    }

    /** Which thread starts writes: {@code auto}, {@code caller}, {@code executor} or {@code io_thread}. */
    public OutboxWriter outboxWriter() {
        return outboxWriterChoice;
    }

    /** Whose scheduler Tyrus's idle timeouts use: Parley's own ({@code auto}) or the {@code container}'s. */
    public Tyrus.Choice tyrusIdleScheduler() {
        return tyrusIdleSchedulerChoice;
    }

    /** How much may wait to be written to one session. */
    public OutboxLimits outboxLimits() {
        return outboxLimits;
    }
}
