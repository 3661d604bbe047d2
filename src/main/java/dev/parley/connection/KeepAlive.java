package dev.parley.connection;

import dev.parley.config.ParleyConfig;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Pings every connection that has been quiet for an interval, so that proxies keep idle connections
 * open, and drops the ones that stay silent past the timeout: a dead peer is logged out in bounded time.
 * The same on Tyrus and Undertow, whose own idle timeouts and ping handling differ.
 */
@ApplicationScoped
public class KeepAlive {

    private static final Logger LOG = Logger.getLogger(KeepAlive.class.getName());

    @Inject
    ParleyConfig config;

    @Inject
    ConnectionRegistry registry;

    /** Parley's own (web.xml), so that Parley needs nothing of the server's default executors. */
    @Resource(lookup = "java:app/concurrent/parley-scheduler")
    ManagedScheduledExecutorService scheduler;

    /** The connections' clock; a field, like the injected ones, so that a test can set its own. */
    Ticker ticker = Ticker.SYSTEM;

    private ScheduledFuture<?> rounds;

    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        long interval = config.keepaliveInterval().toMillis();
        rounds = scheduler.scheduleWithFixedDelay(this::round, interval, interval, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (rounds != null) {
            rounds.cancel(false);
        }
    }

    void round() {
        long now = ticker.nanoTime();
        long interval = config.keepaliveInterval().toNanos();
        long timeout = config.keepaliveTimeout().toNanos();
        registry.connections().forEach(connection -> {
            long silent = connection.nanosSinceHeard(now);
            if (connection.seemsDead(now, timeout, timeout - interval)) {
                if (connection.outbox().close(Disconnect.NO_ANSWER)) {
                    LOG.warning(() -> "session " + connection.id() + " on " + connection.endpoint().path()
                            + ": silent for " + TimeUnit.NANOSECONDS.toSeconds(silent) + " s; dropping it");
                }
            } else if (silent >= interval) {
                connection.ping();
            }
        });
    }
}
