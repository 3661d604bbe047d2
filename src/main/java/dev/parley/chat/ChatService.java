package dev.parley.chat;

import dev.parley.chat.bus.LocalBus;
import dev.parley.config.ParleyConfig;
import dev.parley.connection.Connection;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The chat engine of this application, on the in-memory bus: a single node. */
@ApplicationScoped
public class ChatService {

    /** How often expired history and cids are dropped and empty rooms forgotten. */
    private static final long SWEEP_SECONDS = 5;

    @Inject
    ParleyConfig config;

    /** Presence flushes and the history sweep (web.xml). */
    @Resource(lookup = "java:app/concurrent/parley-scheduler")
    ManagedScheduledExecutorService scheduler;

    private Chat chat;
    private ScheduledFuture<?> sweeps;

    @PostConstruct
    void start() {
        LocalBus bus = new LocalBus(config.chat().history(), Clock.systemUTC());
        chat = new Chat(config.chat(), bus, scheduler);
        sweeps = scheduler.scheduleWithFixedDelay(bus::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        sweeps.cancel(false);
    }

    /** The chat session of a newly opened connection, in the protocol it negotiated; it has been greeted. */
    ChatSession open(Connection connection, Protocol protocol) {
        ChatSession session = chat.open(protocol, new ConnectionPeer(connection));
        session.opened();
        return session;
    }

    /** Every user name held, both protocols together, in order of claiming. */
    public List<String> users() {
        return chat.names().list();
    }
}
