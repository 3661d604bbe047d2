package dev.parley.chat.bus.redis;

import dev.parley.chat.bus.StreamListener;
import dev.parley.chat.bus.Stored;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One stream's delivery on this node: the channel's events, handed to the listener in order, once. Pub/sub
 * is at most once, so a message whose seq is not the next one (after a reconnect, say) has the missed
 * range read from the log, once for all of this node's members, and delivered first; events that arrive
 * meanwhile wait their turn. Clients never see the hole.
 */
final class StreamDelivery {

    private static final Logger LOG = Logger.getLogger(StreamDelivery.class.getName());

    /** An event as the channel carries it. */
    sealed interface Event {
    }

    record Posted(String epoch, Stored message) implements Event {
    }

    record Membership(boolean joined, String user, String content) implements Event {
    }

    /** The log's messages after a seq, if it still holds all of them under the epoch asked for; else none. */
    record Range(List<Stored> messages) {
    }

    private final StreamListener listener;
    private final BiFunction<String, Long, CompletionStage<Range>> readAfter;
    /** The epoch and seq of the last message delivered; null until the first arrives. */
    private String epoch;
    private long delivered;
    private boolean filling;
    private final ArrayDeque<Event> waiting = new ArrayDeque<>();

    StreamDelivery(StreamListener listener, BiFunction<String, Long, CompletionStage<Range>> readAfter) {
        this.listener = listener;
        this.readAfter = readAfter;
    }

    synchronized void on(Event event) {
        if (filling) {
            waiting.add(event);
        } else {
            deliver(event);
        }
    }

    private void deliver(Event event) {
        if (event instanceof Membership m) {
            if (m.joined()) {
                listener.joined(m.user(), m.content());
            } else {
                listener.left(m.user(), m.content());
            }
            return;
        }
        Posted posted = (Posted) event;
        long seq = posted.message().seq();
        if (epoch == null) {
            epoch = posted.epoch(); // subscribed just now: what came before is the joining members' recovery
            delivered = seq - 1;
        } else if (!epoch.equals(posted.epoch())) {
            epoch = posted.epoch(); // the stream's history was lost: its new numbering starts at 1
            delivered = 0;
        }
        if (seq <= delivered) {
            return; // the catch-up had it
        }
        if (seq > delivered + 1) {
            fill(posted);
            return;
        }
        listener.posted(epoch, posted.message());
        delivered = seq;
    }

    /**
     * Reads what the log holds after the last message delivered: after this node subscribed again (a
     * reconnect), when whatever was published meanwhile may be the last the stream had for a while.
     */
    synchronized void catchUp() {
        if (epoch != null && !filling) {
            fill(null);
        }
    }

    /** Reads what was missed before {@code next} (if any), delivers it, then the events that waited meanwhile. */
    private void fill(Posted next) {
        filling = true;
        if (next != null) {
            waiting.addFirst(next);
        }
        long after = delivered;
        readAfter.apply(epoch, after).whenComplete((range, failure) -> {
            synchronized (this) {
                if (failure != null) {
                    LOG.log(Level.WARNING, "could not read the messages after seq " + after, failure);
                } else {
                    for (Stored message : range.messages()) {
                        if (message.seq() == delivered + 1) {
                            listener.posted(epoch, message);
                            delivered = message.seq();
                        }
                    }
                }
                if (next != null && delivered + 1 < next.message().seq() && next.epoch().equals(epoch)) {
                    // gone from the log, or Redis is down: not retried in a loop; the members' own resume
                    // (join with since) is what repairs it
                    LOG.severe("seq " + (delivered + 1) + ".." + (next.message().seq() - 1)
                            + " could not be caught up; this node's members miss them");
                    delivered = next.message().seq() - 1;
                }
                filling = false;
                while (!filling && !waiting.isEmpty()) {
                    deliver(waiting.poll());
                }
            }
        });
    }
}
