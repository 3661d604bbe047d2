package dev.parley.chat.bus.redis;

import dev.parley.chat.bus.StreamListener;
import dev.parley.chat.bus.Stored;
import dev.parley.ops.Meters;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One stream's delivery on this node: the channel's events, handed to the listener in order, once. It
 * starts from a read of the stream's state (its member list, last seq and membership version) once the
 * channel is subscribed. Pub/sub is at most once: a message whose seq, or a membership change whose
 * version, is not the next one (after a reconnect, say) has the stream read again, once for all of this
 * node's members: the member list first, then the missed messages in order; events that arrive
 * meanwhile wait their turn. Clients never see the hole.
 */
final class StreamDelivery {

    private static final Logger LOG = Logger.getLogger(StreamDelivery.class.getName());

    /** An event as the channel carries it, under the stream's epoch. */
    sealed interface Event {
        String epoch();
    }

    record Posted(String epoch, Stored message) implements Event {
    }

    /** A join or leave, with the stream's membership version that it made. */
    record Membership(String epoch, long version, boolean joined, String user, String content) implements Event {
    }

    /**
     * The stream as read now: its epoch, last seq and membership version, its members in order of joining,
     * and the messages it holds after the position asked for (those of its epoch, which start after
     * {@code base}, if the position was of another one).
     */
    record State(String epoch, long seq, long version, List<String> members, List<Stored> after, long base,
            long newestSeq, long newestMillis) {
    }

    /**
     * Where this node is, for a read: its epoch (none before the first read), the seq it is at, and the
     * seq and time of the last message it delivered there (0 if none), by which Redis tells whether its
     * log went back (see state.lua).
     */
    record Position(Optional<String> epoch, long seq, long lastSeq, long lastMillis) {
    }

    private final StreamListener listener;
    /** Reads the stream's state and its messages after the position; no epoch: none of them. */
    private final Function<Position, CompletionStage<State>> read;
    /** Where this node is in the stream; epoch null until the first read. */
    private String epoch;
    private long delivered;
    /**
     * The seq and time of the newest message this node knows it is past in this epoch (0: none): the last it
     * delivered, or the newest a read found where it started.
     */
    private long lastSeq;
    private long lastMillis;
    private long version;
    private boolean reading;
    /** Done at Redis's first confirmation of the subscription: from then on this node hears what the stream publishes. */
    private final CompletableFuture<Void> confirmation = new CompletableFuture<>();
    private final ArrayDeque<Event> waiting = new ArrayDeque<>();

    /** Runs a catch-up's read again a moment later. */
    private final Executor later;
    /** How many times a failed catch-up read is tried again before what it was for is passed over. */
    private final int retries;

    /**
     * A failed catch-up read is tried again on {@code later}, up to {@code retries} times, before the hole
     * is passed over: pub/sub may be back before the commands' connection (seen: 120 ms apart after a Redis
     * restart), and a read that failed in between must not cost the members a stored message.
     */
    StreamDelivery(StreamListener listener, Function<Position, CompletionStage<State>> read,
            Executor later, int retries) {
        this.listener = listener;
        this.read = read;
        this.later = later;
        this.retries = retries;
    }

    /**
     * Done once Redis has confirmed the subscription, which on a Redis Cluster may be told after the
     * subscribe command's own answer: a start's read before it could miss what is published in between.
     */
    CompletableFuture<Void> confirmation() {
        return confirmation.copy(); // the caller's own: only Redis's confirmation completes this node's
    }

    /** Reads where the stream is: call once its channel is subscribed. Done when the listener has heard it. */
    synchronized CompletionStage<Void> start() {
        return reread(null);
    }

    /** The stream's epoch as this node heard it last; empty until the first read. */
    synchronized Optional<String> epoch() {
        return Optional.ofNullable(epoch);
    }

    synchronized void on(Event event) {
        if (reading || epoch == null) {
            waiting.add(event);
        } else {
            deliver(event);
        }
    }

    /**
     * Redis confirmed a subscription to the channel. After the first, which {@link #start} follows anyway,
     * this node subscribed again (a reconnect): it reads what the stream holds beyond its position, as
     * whatever was published meanwhile may be the last the stream had for a while. Reading again on the
     * first one, should it be told after the start's read (Lettuce tells it on another thread), could come
     * after a join made meanwhile and swallow that join's own event into a member list.
     */
    synchronized void subscribed() {
        if (!confirmation.isDone()) {
            confirmation.complete(null);
        } else if (epoch != null && !reading) {
            Meters.caughtUp("resubscribed");
            reread(null);
        }
    }

    private void deliver(Event event) {
        if (!event.epoch().equals(epoch)) {
            Meters.caughtUp("epoch");
            reread(event); // the stream's history was lost or dropped: it is numbered afresh
        } else if (event instanceof Membership m) {
            if (m.version() == version + 1) {
                version = m.version();
                if (m.joined()) {
                    listener.joined(m.user(), m.content());
                } else {
                    listener.left(m.user(), m.content());
                }
            } else if (m.version() > version) {
                Meters.caughtUp("gap");
                reread(event);
            }
        } else {
            Posted posted = (Posted) event;
            long seq = posted.message().seq();
            if (seq == delivered + 1) {
                post(posted.message());
            } else if (seq > delivered) {
                Meters.caughtUp("gap");
                reread(event);
            }
        }
    }

    /** Reads the stream's state, tells what changed, then the events that waited meanwhile. */
    private CompletionStage<Void> reread(Event trigger) {
        reading = true;
        if (trigger != null) {
            waiting.addFirst(trigger);
        }
        CompletableFuture<Void> told = new CompletableFuture<>();
        read(trigger, epoch == null ? 0 : retries, told); // a start's failure is its caller's to report
        return told;
    }

    private void read(Event trigger, int retriesLeft, CompletableFuture<Void> told) {
        Position from;
        synchronized (this) { // unchanged while reading: events wait
            from = new Position(Optional.ofNullable(epoch), delivered, lastSeq, lastMillis);
        }
        read.apply(from).whenComplete((state, failure) -> {
            if (failure != null && retriesLeft > 0) {
                later.execute(() -> read(trigger, retriesLeft - 1, told));
                return;
            }
            synchronized (this) {
                if (failure != null) {
                    LOG.log(Level.WARNING, "could not read the stream's state", failure);
                    passOver(trigger);
                } else {
                    apply(state);
                    if (trigger != null && !trigger.epoch().equals(epoch)) {
                        // read after it was published: its epoch is past, and epochs never come back
                        waiting.removeIf(waited -> waited.epoch().equals(trigger.epoch()));
                    }
                }
                reading = false;
                while (!reading && !waiting.isEmpty() && epoch != null) {
                    deliver(waiting.poll());
                }
            }
            if (failure != null) {
                told.completeExceptionally(failure);
            } else {
                told.complete(null);
            }
        });
    }

    private void apply(State state) {
        if (epoch == null) {
            // subscribed just now: what came before is the joining members' recovery
            epoch = state.epoch();
            delivered = state.seq();
            version = state.version();
            listener.members(state.members());
            knowNewest(state);
            return;
        }
        if (!epoch.equals(state.epoch())) {
            if (state.base() > 0) {
                LOG.warning("a stream's log went back (Redis failed over to a replica that lacked writes?): numbered"
                        + " anew after seq " + state.base() + "; its clients are told they were not recovered");
            }
            epoch = state.epoch();
            delivered = state.base();
            lastSeq = 0;
            lastMillis = 0;
        }
        if (state.version() != version) {
            version = state.version();
            listener.members(state.members());
        }
        for (Stored message : state.after()) {
            if (message.seq() > delivered) {
                skipTo(message.seq() - 1);
                post(message);
            }
        }
        skipTo(state.seq());
        knowNewest(state);
    }

    /** The newest entry the read found, if this node is now at it: what its next read compares, had it delivered nothing. */
    private void knowNewest(State state) {
        if (state.newestSeq() == delivered && state.newestSeq() > lastSeq) {
            lastSeq = state.newestSeq();
            lastMillis = state.newestMillis();
        }
    }

    private void post(Stored message) {
        listener.posted(epoch, message);
        delivered = message.seq();
        lastSeq = message.seq();
        lastMillis = message.timeMillis();
    }

    /**
     * Passes over messages gone from the log (or unreadable): not retried; the members' own resume (a join
     * with {@code since}) is what tells them.
     */
    private void skipTo(long seq) {
        if (seq > delivered) {
            LOG.severe("seq " + (delivered + 1) + ".." + seq + " could not be caught up; this node's members miss them");
            delivered = seq;
        }
    }

    /** Redis did not answer: the event that found the hole goes on, rather than a read again and again. */
    private void passOver(Event trigger) {
        if (epoch == null) {
            waiting.clear(); // the next start reads a state that covers them
            return;
        }
        if (trigger == null) {
            return;
        }
        if (!trigger.epoch().equals(epoch)) {
            waiting.remove(trigger);
            LOG.severe("an event of a new epoch could not be read up to; this node's members miss it");
            return;
        }
        if (trigger instanceof Membership m) {
            version = m.version() - 1;
        } else {
            skipTo(((Posted) trigger).message().seq() - 1);
        }
    }
}
