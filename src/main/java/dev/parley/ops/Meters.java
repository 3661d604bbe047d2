package dev.parley.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * What Parley counts, for {@code GET /api/metrics}: one registry per application (a static, as a logger
 * is, so that the plain-Java chat engine reports without being handed it). Every meter is made here. The
 * single node's message path only adds to counters made in advance, which costs an add to a striped
 * counter; the cluster's meters are made on first use, so that a single node shows none of them, and a
 * Redis call's timer is looked up by name (one map read, beside a network round trip). Tags are plain
 * strings, so that this package depends on no other of Parley's.
 */
public final class Meters {

    private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private static final Counter RECEIVED = Counter.builder("parley.messages.received")
            .description("chat frames admitted from clients, both protocols").register(REGISTRY);
    private static final Counter DELIVERED = Counter.builder("parley.messages.delivered")
            .description("chat events queued to receivers: one per receiver").register(REGISTRY);
    private static final Counter DEDUPED = Counter.builder("parley.sends.deduplicated")
            .description("sends whose cid was already stored: a retry, acknowledged again and stored once")
            .register(REGISTRY);
    private static final Timer DELIVERY = Timer.builder("parley.delivery.latency")
            .description("from a message's storing to its being queued to its room's members on this node")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10)).register(REGISTRY);
    private static final Counter RECOVERED = resumes("recovered");
    private static final Counter NOT_RECOVERED = resumes("not_recovered");
    /** Counters by their one tag's value, made on first use: closes, errors and refused handshakes are rare. */
    private static final Map<String, Counter> CLOSES = new ConcurrentHashMap<>();
    private static final Map<String, Counter> ERRORS = new ConcurrentHashMap<>();
    private static final Map<String, Counter> HANDSHAKES = new ConcurrentHashMap<>();

    // on a cluster only: made on first use, so that a single node shows none of them
    /** Per script and outcome. */
    private static final Map<String, Timer> REDIS_CALLS = new ConcurrentHashMap<>();
    private static final Map<String, Counter> CATCH_UPS = new ConcurrentHashMap<>();
    private static final Map<String, Counter> EVICTIONS = new ConcurrentHashMap<>();
    private static volatile Timer pubsubLag;

    private Meters() {
    }

    private static Counter resumes(String outcome) {
        return Counter.builder("parley.resumes").description("v2 joins with since, by whether the gap was recovered")
                .tag("outcome", outcome).register(REGISTRY);
    }

    /** The Prometheus text of every meter. */
    public static String scrape() {
        return REGISTRY.scrape();
    }

    public static void received() {
        RECEIVED.increment();
    }

    /** One event queued to {@code receivers} receivers. */
    public static void delivered(int receivers) {
        if (receivers > 0) {
            DELIVERED.increment(receivers);
        }
    }

    public static void deduplicated() {
        DEDUPED.increment();
    }

    /** A message stored at {@code storedMillis} (epoch) reached its receivers' queues now. */
    public static void deliveredAfter(long storedMillis) {
        DELIVERY.record(Math.max(0, System.currentTimeMillis() - storedMillis), TimeUnit.MILLISECONDS);
    }

    /** Parley closed a connection for {@code reason} ({@code slow_consumer}, {@code flood}, ...). */
    public static void closed(String reason) {
        CLOSES.computeIfAbsent(reason, r -> Counter.builder("parley.closes")
                .description("connections Parley closed, by reason").tag("reason", r).register(REGISTRY)).increment();
    }

    /** An error event with {@code code} went to a client. */
    public static void refused(String code) {
        ERRORS.computeIfAbsent(code, c -> Counter.builder("parley.errors").description("error events sent, by code")
                .tag("code", c).register(REGISTRY)).increment();
    }

    public static void resumed(boolean recovered) {
        (recovered ? RECOVERED : NOT_RECOVERED).increment();
    }

    /** A handshake Parley refused before the upgrade, by {@code cause} ({@code origin}, {@code limit}). */
    public static void handshakeRefused(String cause) {
        HANDSHAKES.computeIfAbsent(cause, c -> Counter.builder("parley.handshakes.refused")
                .description("WebSocket handshakes refused, by cause").tag("cause", c).register(REGISTRY)).increment();
    }

    /** A Redis script ({@code send}, {@code state}, ...) answered, or failed, {@code nanos} after it was sent. */
    public static void redisCall(String script, boolean answered, long nanos) {
        String outcome = answered ? "answered" : "failed";
        REDIS_CALLS.computeIfAbsent(script + "/" + outcome, key -> Timer.builder("parley.redis.latency")
                .description("Redis script calls, from sending to the answer or the failure")
                .tags("script", script, "outcome", outcome).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(REGISTRY)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A message stored at {@code storedMillis} (epoch, Redis's clock) was heard on this node's subscription now. */
    public static void heardAfter(long storedMillis) {
        Timer lag = pubsubLag;
        if (lag == null) {
            lag = Timer.builder("parley.pubsub.lag")
                    .description("from a message's storing in Redis to this node's hearing it on the room's channel")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10)).register(REGISTRY);
            pubsubLag = lag; // registering twice gives the same timer
        }
        lag.record(Math.max(0, System.currentTimeMillis() - storedMillis), TimeUnit.MILLISECONDS);
    }

    /**
     * This node read a stream again to catch up, because of {@code cause}: {@code gap} (an event out of turn),
     * {@code epoch} (the stream numbered afresh) or {@code resubscribed} (pub/sub reconnected).
     */
    public static void caughtUp(String cause) {
        CATCH_UPS.computeIfAbsent(cause, c -> Counter.builder("parley.catchups")
                .description("streams read again to fill a hole in what pub/sub told, by cause").tag("cause", c)
                .register(REGISTRY)).increment();
    }

    /** {@code members} room members of a lapsed node evicted by this node's reaper, or of this node as it leaves. */
    public static void evicted(long members, String cause) {
        if (members > 0) {
            EVICTIONS.computeIfAbsent(cause, c -> Counter.builder("parley.cluster.evictions")
                    .description("room members removed for a node that lapsed (reaper) or left (leaving)")
                    .tag("cause", c).register(REGISTRY)).increment(members);
        }
    }

    /** A count kept by {@code source}, read when scraped: {@code name} with {@code tags} (key, value, ...). */
    public static <T> void counted(String name, String description, T source, ToDoubleFunction<T> count,
            String... tags) {
        FunctionCounter.builder(name, source, count).description(description).tags(Tags.of(tags)).register(REGISTRY);
    }

    /** A value read when scraped: {@code name} with {@code tags} (key, value, ...). */
    public static void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(Tags.of(tags)).strongReference(true).register(REGISTRY);
    }
}
