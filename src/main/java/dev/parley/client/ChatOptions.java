package dev.parley.client;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * How a {@link ParleyChat} connects and reconnects.
 *
 * @param container  the WebSocket container to connect with: Tyrus standalone outside a server, the
 *                   server's own inside Payara or WildFly
 * @param greeting   the content of the {@code register} message
 * @param reconnect  whether to reconnect and register again after a dropped connection
 * @param firstRetry the first step of the reconnection backoff (each delay is drawn between half and all
 *                   of the step); each failure doubles the step
 * @param maxRetry   the cap on that delay
 * @param timeout    how long to wait for the server when connecting and registering
 * @param scheduler  times reconnection attempts (and v2's resends and give-ups), and runs the attempts,
 *                   which block for up to {@code timeout} each; inside a server, pass its managed scheduled
 *                   executor. Null means a single daemon thread for the timing, started on first use, which
 *                   hands the attempts to daemon threads of their own, so that one slow connect never
 *                   holds up the other chats
 * @param giveUp     v2: how long a send may wait for its acknowledgement, across reconnects, before its stage
 *                   fails. Keep it below the server's {@code parley.send.dedupe-seconds}, within which a resend
 *                   is stored once
 */
public record ChatOptions(WebSocketContainer container, String greeting, boolean reconnect, Duration firstRetry,
        Duration maxRetry, Duration timeout, ScheduledExecutorService scheduler, Duration giveUp) {

    public ChatOptions {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(greeting, "greeting");
        if (firstRetry.isNegative() || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0) {
            throw new IllegalArgumentException("need 0 < firstRetry <= maxRetry");
        }
        if (giveUp.isNegative() || giveUp.isZero()) {
            throw new IllegalArgumentException("need 0 < giveUp");
        }
    }

    /**
     * Reconnects from 250 ms up to 30 s apart, waits 10 s for the server, gives a v2 send 2 minutes, uses the
     * default container.
     */
    public static ChatOptions defaults() {
        return new ChatOptions(ContainerProvider.getWebSocketContainer(), "", true, Duration.ofMillis(250),
                Duration.ofSeconds(30), Duration.ofSeconds(10), null, Duration.ofMinutes(2));
    }

    /** The scheduler for reconnection attempts. */
    public ScheduledExecutorService reconnectScheduler() {
        return scheduler != null ? scheduler : DefaultScheduler.INSTANCE;
    }

    /** Runs {@code attempt}, which may block for up to {@code timeout}, after {@code delay}. */
    public void scheduleAttempt(Runnable attempt, Duration delay) {
        Executor runner = scheduler != null ? scheduler : DefaultScheduler.ATTEMPTS;
        reconnectScheduler().schedule(() -> runner.execute(attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    public ChatOptions withContainer(WebSocketContainer container) {
        return new ChatOptions(container, greeting, reconnect, firstRetry, maxRetry, timeout, scheduler, giveUp);
    }

    public ChatOptions withGreeting(String greeting) {
        return new ChatOptions(container, greeting, reconnect, firstRetry, maxRetry, timeout, scheduler, giveUp);
    }

    public ChatOptions withReconnect(boolean reconnect) {
        return new ChatOptions(container, greeting, reconnect, firstRetry, maxRetry, timeout, scheduler, giveUp);
    }

    public ChatOptions withBackoff(Duration firstRetry, Duration maxRetry) {
        return new ChatOptions(container, greeting, reconnect, firstRetry, maxRetry, timeout, scheduler, giveUp);
    }

    public ChatOptions withGiveUp(Duration giveUp) {
        return new ChatOptions(container, greeting, reconnect, firstRetry, maxRetry, timeout, scheduler, giveUp);
    }

    public ChatOptions withScheduler(ScheduledExecutorService scheduler) {
        return new ChatOptions(container, greeting, reconnect, firstRetry, maxRetry, timeout, scheduler, giveUp);
    }

    /** Created on first use only, so that code inside a server that passes its own never starts one. */
    private static final class DefaultScheduler {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(
                daemons("parley-chat-reconnect"));
        /** Threads made as attempts need them, and let go after a minute idle. */
        static final ExecutorService ATTEMPTS = Executors.newCachedThreadPool(daemons("parley-chat-connect"));

        private static ThreadFactory daemons(String name) {
            return task -> {
                Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                return thread;
            };
        }
    }
}
