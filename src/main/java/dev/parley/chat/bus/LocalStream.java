package dev.parley.chat.bus;

import dev.parley.chat.protocol.v2.Position;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * One stream held in this JVM. Its monitor is the stream's one lock: numbering, storing and telling the
 * listener happen under it, so that listeners hear events in seq order and a recovery sees a consistent
 * history. Weight changes are reported to the bus's budget, which may evict from here.
 */
final class LocalStream {

    final Stream stream;
    final String epoch = Epochs.next();
    private final ArrayDeque<Stored> history = new ArrayDeque<>();
    private final LongConsumer weightChange;
    private long lastSeq;
    private long weight;
    /** Set once the bus has forgotten this stream: a store racing with that goes to its successor. */
    private boolean dropped;
    private StreamListener listener;
    /** A room's members: how many sessions of each user are in it (its devices). */
    private final Map<String, Integer> sessions = new HashMap<>();
    /** When this stream last stored a message (bus clock millis): the budget evicts the idlest first. */
    private volatile long lastActive;

    LocalStream(Stream stream, LongConsumer weightChange, long now) {
        this.stream = stream;
        this.weightChange = weightChange;
        this.lastActive = now;
    }

    /** False if the stream was dropped meanwhile: listen to its successor instead. */
    synchronized boolean listen(StreamListener next) {
        listener = next;
        return !dropped;
    }

    synchronized boolean hasListener() {
        return listener != null;
    }

    /** Numbers, stores and announces a message; null if the stream was dropped meanwhile. */
    synchronized Stored store(Draft draft, long now, HistoryLimits limits) {
        if (dropped) {
            return null;
        }
        Stored message = new Stored(++lastSeq, now, draft.from(), draft.to(), draft.text(), draft.cid());
        history.addLast(message);
        add(message.weight());
        while (history.size() > limits.size()) {
            add(-history.removeFirst().weight());
        }
        lastActive = now;
        if (listener != null) {
            listener.posted(epoch, message);
        }
        return message;
    }

    /** A session of {@code user} joined; the listener hears it if it is the user's first here. */
    synchronized void joined(String user, String content) {
        if (sessions.merge(user, 1, Integer::sum) == 1 && listener != null) {
            listener.joined(user, content);
        }
    }

    /** A session of {@code user} left; the listener hears it if it was the user's last here. */
    synchronized void left(String user, String content) {
        if (!sessions.containsKey(user)) {
            return;
        }
        if (sessions.computeIfPresent(user, (name, held) -> held == 1 ? null : held - 1) == null && listener != null) {
            listener.left(user, content);
        }
    }

    synchronized Recovery recover(Optional<Position> since, int latest, long now, HistoryLimits limits) {
        expire(now, limits);
        if (since.isPresent() && since.get().epoch().equals(epoch) && since.get().seq() <= lastSeq) {
            long after = since.get().seq();
            long firstHeld = history.isEmpty() ? lastSeq + 1 : history.peekFirst().seq();
            if (firstHeld <= after + 1) {
                return new Recovery(epoch, lastSeq, true, newerThan(after));
            }
        }
        return new Recovery(epoch, lastSeq, false, newerThan(Math.max(0, lastSeq - latest)));
    }

    synchronized Slice before(long before, int limit, long maxWeight, long now, HistoryLimits limits) {
        expire(now, limits);
        ArrayDeque<Stored> page = new ArrayDeque<>();
        long pageWeight = 0;
        Iterator<Stored> newestFirst = history.descendingIterator();
        boolean more = false;
        while (newestFirst.hasNext()) {
            Stored message = newestFirst.next();
            if (message.seq() >= before) {
                continue;
            }
            if (page.size() == limit || pageWeight + message.weight() > maxWeight && !page.isEmpty()) {
                more = true;
                break;
            }
            page.addFirst(message);
            pageWeight += message.weight();
        }
        return new Slice(epoch, new ArrayList<>(page), more);
    }

    /** Drops messages older than the ttl. */
    private void expire(long now, HistoryLimits limits) {
        long oldest = now - limits.ttl().toMillis();
        while (!history.isEmpty() && history.peekFirst().timeMillis() < oldest) {
            add(-history.removeFirst().weight());
        }
    }

    /** Expires old messages; a stream left empty and unheard is then dropped, and true returned. */
    synchronized boolean retireIfIdle(long now, HistoryLimits limits) {
        expire(now, limits);
        dropped = history.isEmpty() && listener == null;
        return dropped;
    }

    /** Drops the oldest messages until {@code excess} weight is gone or none is left; returns what went. */
    synchronized long evict(long excess) {
        long freed = 0;
        while (freed < excess && !history.isEmpty()) {
            long w = history.removeFirst().weight();
            add(-w);
            freed += w;
        }
        return freed;
    }

    synchronized void drop() {
        dropped = true;
        add(-weight);
        history.clear();
    }

    long lastActive() {
        return lastActive;
    }

    synchronized boolean holdsHistory() {
        return !history.isEmpty();
    }

    private List<Stored> newerThan(long seq) {
        List<Stored> newer = new ArrayList<>();
        for (Stored message : history) {
            if (message.seq() > seq) {
                newer.add(message);
            }
        }
        return newer;
    }

    private void add(long delta) {
        weight += delta;
        weightChange.accept(delta);
    }
}
