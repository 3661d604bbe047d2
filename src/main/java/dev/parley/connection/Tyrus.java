package dev.parley.connection;

import dev.parley.ops.Meters;
import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * What Parley changes of Tyrus (Payara's WebSocket implementation) beyond the WebSocket API: the counterpart
 * of {@link Undertow}. Reached by reflection; WildFly has none of it.
 *
 * <p>Tyrus 2.1's {@code TyrusSession.restartIdleTimeoutExecutor()} runs on every message received and every
 * send, and always schedules an idle-timeout task on the session's {@code service} field, even when the idle
 * timeout is 0 (Payara's default; the task then runs at once and does nothing). That field holds the
 * container's managed scheduler, and on Payara every managed {@code schedule} captures the thread's context
 * with a fresh {@code ServiceLoader} scan of the web application's class path: most of Payara's CPU per
 * message (BENCHMARKS.md). So every Tyrus session gets Parley's plain scheduler instead, one shared by all,
 * for the schedules that do nothing; a real idle timeout, should one be set, still goes to the container's
 * (Parley's keepalive does Parley's idle handling and sets none).
 *
 * <p>Where the field is missing or cannot be set, the container's scheduler stays, and the session's sends
 * run with a bare context class loader, so that the scan inside each send's schedule finds nothing to read.
 * The schedule made as each message is received, before Parley's endpoint runs, is out of reach then.
 */
public final class Tyrus implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Tyrus.class.getName());
    private static final String SESSION = "org.glassfish.tyrus.core.TyrusSession";

    /** Whether to swap the scheduler at all ({@code parley.tyrus.idle-scheduler}). */
    public enum Choice {
        /** Parley's own scheduler where Tyrus lets it be set; the container's otherwise. */
        AUTO,
        /** The container's scheduler, untouched. */
        CONTAINER
    }

    /** What a session got: whether its sends should run with a bare context class loader. */
    enum Adopted {
        NOT_TYRUS, OWN_SCHEDULER, CONTAINER_SCHEDULER, BARE_LOADER_SENDS
    }

    private final Choice choice;
    private final AtomicBoolean told = new AtomicBoolean();
    private volatile Field service;
    private volatile IdleScheduler scheduler;
    private volatile boolean unavailable;

    Tyrus(Choice choice) {
        this.choice = choice;
    }

    /** Whether {@code session} is Tyrus's. */
    static boolean owns(Session session) {
        return session.getClass().getName().startsWith("org.glassfish.tyrus.");
    }

    /** Gives a newly opened Tyrus session Parley's idle scheduler, if it can; says what the session got. */
    Adopted adopt(Session session) {
        if (!owns(session)) {
            return Adopted.NOT_TYRUS;
        }
        if (choice == Choice.CONTAINER) {
            return Adopted.CONTAINER_SCHEDULER;
        }
        if (unavailable) {
            return Adopted.BARE_LOADER_SENDS;
        }
        try {
            Field field = serviceField(session);
            if (!(field.get(session) instanceof ScheduledExecutorService container)) {
                throw new NoSuchFieldException(SESSION + ".service holds no scheduler");
            }
            field.set(session, scheduler(container));
            if (told.compareAndSet(false, true)) {
                LOG.info("Tyrus: idle timeouts are scheduled on Parley's own scheduler, not the container's"
                        + " managed one (parley.tyrus.idle-scheduler=container turns this off)");
            }
            return Adopted.OWN_SCHEDULER;
        } catch (ReflectiveOperationException | InaccessibleObjectException | SecurityException e) {
            unavailable = true;
            LOG.warning(() -> "Tyrus: the session's idle scheduler could not be replaced (" + e + "); it stays the"
                    + " container's, and sends run with a bare context class loader to make its schedules cheaper");
            return Adopted.BARE_LOADER_SENDS;
        }
    }

    private Field serviceField(Session session) throws ReflectiveOperationException {
        Field field = service;
        if (field == null) {
            Class<?> type = session.getClass();
            while (!type.getName().equals(SESSION)) {
                type = type.getSuperclass();
                if (type == null) {
                    throw new NoSuchFieldException(SESSION + " is not among " + session.getClass() + "'s classes");
                }
            }
            field = type.getDeclaredField("service");
            if (!ScheduledExecutorService.class.equals(field.getType())) {
                throw new NoSuchFieldException(SESSION + ".service is a " + field.getType().getName());
            }
            field.setAccessible(true);
            service = field;
        }
        return field;
    }

    /** Made at the first Tyrus session, around the container's scheduler that it held. */
    private IdleScheduler scheduler(ScheduledExecutorService container) {
        IdleScheduler made = scheduler;
        if (made == null) {
            synchronized (this) {
                made = scheduler;
                if (made == null) {
                    made = new IdleScheduler(container);
                    Meters.counted("parley.tyrus.idle.schedules", "idle checks Tyrus scheduled on Parley's"
                            + " scheduler rather than the container's", made, idle -> idle.scheduled.sum());
                    scheduler = made;
                }
            }
        }
        return made;
    }

    /**
     * Takes Tyrus's schedules with no delay, which is what it asks for at every message when no idle timeout
     * is set (its task then does nothing), and runs them on one daemon thread. A schedule with a delay, an
     * idle timeout that someone set, goes on to the container's scheduler: that task closes the session,
     * which runs Parley's {@code @OnClose} and may block on the network, so it gets the container's thread
     * and context, as before. Remove-on-cancel: Tyrus cancels the last task at every message. Schedules
     * after {@link #close} are dropped rather than refused, since a session closing late still reschedules
     * on its way out. (Answering the no-delay schedules without queueing them was tried: no difference in
     * the fan-out benchmark, 10.1 against 10.3 µs per delivery.)
     */
    private static final class IdleScheduler extends ScheduledThreadPoolExecutor {

        /** Counted, so that the metrics show the swap in force: two a message echoed, one received, one sent. */
        final LongAdder scheduled = new LongAdder();
        private final ScheduledExecutorService container;

        IdleScheduler(ScheduledExecutorService container) {
            super(1, Tyrus::idleThread, new DiscardPolicy());
            this.container = container;
            setRemoveOnCancelPolicy(true);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            if (delay > 0) {
                return container.schedule(command, delay, unit);
            }
            scheduled.increment();
            return super.schedule(command, delay, unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return delay > 0 ? container.schedule(callable, delay, unit) : super.schedule(callable, delay, unit);
        }

        /** Tyrus's heartbeats, if someone turns them on: the container's, as before. */
        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            return container.scheduleAtFixedRate(command, initialDelay, period, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            return container.scheduleWithFixedDelay(command, initialDelay, delay, unit);
        }
    }

    /**
     * No context class loader and no inherited thread locals: the tasks, no-ops, need neither, and the thread
     * should hold as little of the application as it can until {@link #close} ends it.
     */
    private static Thread idleThread(Runnable task) {
        Thread thread = new Thread(null, task, "parley-tyrus-idle", 0, false);
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        return thread;
    }

    /** At undeploy, after the sessions were closed. */
    @Override
    public void close() {
        IdleScheduler made = scheduler;
        if (made != null) {
            made.shutdownNow();
        }
    }
}
