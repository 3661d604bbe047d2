package dev.parley.chat;

import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.ServerEventEncoder;
import dev.parley.connection.Connection;
import dev.parley.connection.OutboundFrame;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.logging.Logger;

/**
 * Every chat delivery goes through here: an event is encoded once, logged once, and queued on each
 * receiver's bounded outbox, so that no receiver waits on another.
 */
@ApplicationScoped
public class FanOut {

    private static final Logger CHAT_LOG = Logger.getLogger("dev.parley.chat.events");

    private final ServerEventEncoder encoder = new ServerEventEncoder();

    /** Sends {@code event} to each of {@code receivers}. */
    public void deliver(ServerEvent event, Collection<Connection> receivers) {
        enqueue(event, receivers).flush();
    }

    /** Sends {@code event} to one connection only (replies and errors). */
    public void reply(ServerEvent event, Connection receiver) {
        deliver(event, List.of(receiver));
    }

    /**
     * Queues {@code event} without writing, for callers that must order it with others under a lock;
     * they call {@link Delivery#flush()} once the lock is released.
     */
    public Delivery enqueue(ServerEvent event, Collection<Connection> receivers) {
        OutboundFrame.Text frame = new OutboundFrame.Text(encoder.encode(event));
        List<Connection> to = List.copyOf(receivers);
        for (Connection receiver : to) {
            receiver.outbox().enqueue(frame);
        }
        log(frame, to);
        return new Delivery(to);
    }

    /** Receivers with frames queued but perhaps not yet written. */
    public record Delivery(List<Connection> receivers) {
        public void flush() {
            receivers.forEach(receiver -> receiver.outbox().flush());
        }
    }

    private static void log(OutboundFrame.Text frame, List<Connection> to) {
        if (to.size() == 1) {
            CHAT_LOG.info(() -> "chat event to " + to.get(0) + ": " + frame.text());
        } else {
            CHAT_LOG.info(() -> "chat event to " + to.size() + " users: " + frame.text());
        }
    }
}
