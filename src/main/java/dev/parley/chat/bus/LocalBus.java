package dev.parley.chat.bus;

import dev.parley.chat.protocol.v2.Position;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The bus of a single node: streams held in memory, so their history goes with the JVM and a restart
 * starts every stream under a new epoch. Every call completes before it returns.
 */
public final class LocalBus implements ChatBus {

    private final HistoryLimits limits;
    private final Clock clock;
    private final ConcurrentHashMap<Stream, LocalStream> streams = new ConcurrentHashMap<>();
    private final Dedupe dedupe = new Dedupe();
    private final Names names = new LocalNames();
    private final AtomicLong totalWeight = new AtomicLong();
    private final Object eviction = new Object();

    public LocalBus(HistoryLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public Names names() {
        return names;
    }

    @Override
    public CompletionStage<Appended> append(Stream stream, Draft draft) {
        long now = clock.millis();
        if (draft.cid().isEmpty()) {
            return CompletableFuture.completedFuture(store(stream, draft, now));
        }
        // keyed by the held stream's own Stream, not the request's: an entry lives for minutes, it should not
        // keep a copy of the room's name alive per send
        return dedupe.once(new Dedupe.Key(stream(stream).stream, draft.from(), draft.cid().get()), now,
                limits.dedupe().toMillis(), () -> store(stream, draft, now));
    }

    @Override
    public CompletionStage<Appended> appendPrivate(Draft draft) {
        Stream to = Stream.inbox(draft.to().orElseThrow());
        Stream from = Stream.inbox(draft.from());
        long now = clock.millis();
        Supplier<Appended> both = () -> {
            Appended own = store(from, draft, now);
            if (!to.equals(from)) {
                store(to, draft, now);
            }
            return own;
        };
        if (draft.cid().isEmpty()) {
            return CompletableFuture.completedFuture(both.get());
        }
        // keyed by the receiver's inbox: the sender's is dropped when its name is released
        return dedupe.once(new Dedupe.Key(stream(to).stream, draft.from(), draft.cid().get()), now,
                limits.dedupe().toMillis(), both);
    }

    @Override
    public CompletionStage<Void> announceJoin(Stream room, Names.Claim member, String content) {
        stream(room).joined(member.name(), content);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> announceLeave(Stream room, Names.Claim member, String content) {
        stream(room).left(member.name(), content);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Recovery> recover(Stream stream, Optional<Position> since, int latest) {
        return CompletableFuture.completedFuture(stream(stream).recover(since, latest, clock.millis(), limits));
    }

    @Override
    public CompletionStage<Slice> before(Stream stream, long before, int limit, long maxWeight) {
        return CompletableFuture.completedFuture(stream(stream).before(before, limit, maxWeight, clock.millis(),
                limits));
    }

    @Override
    public void subscribe(Stream stream, StreamListener listener) {
        while (!stream(stream).listen(listener)) {
            Thread.onSpinWait(); // lost a race with the sweep: the next stream(...) makes a new one
        }
    }

    @Override
    public void unsubscribe(Stream stream) {
        LocalStream held = streams.get(stream);
        if (held != null) {
            held.listen(null);
        }
    }

    @Override
    public void drop(Stream stream) {
        LocalStream gone = streams.remove(stream);
        if (gone != null) {
            gone.drop();
        }
    }

    /**
     * Drops expired history, forgets streams that are empty and unheard (an empty room is forgotten once
     * its history has expired) and expired cids. Run periodically; every access expires its own stream too.
     */
    public void sweep() {
        long now = clock.millis();
        streams.forEach((key, stream) -> {
            if (stream.retireIfIdle(now, limits)) {
                streams.remove(key, stream);
            }
        });
        dedupe.forgetUntil(now);
    }

    /** What all streams' retained messages weigh: bounded by {@code parley.history.max-bytes}. */
    public long retainedWeight() {
        return totalWeight.get();
    }

    public int streamCount() {
        return streams.size();
    }

    private Appended store(Stream stream, Draft draft, long now) {
        LocalStream target;
        Stored stored;
        do {
            target = stream(stream);
            stored = target.store(draft, now, limits);
        } while (stored == null);
        if (totalWeight.get() > limits.maxBytes()) {
            evict();
        }
        return new Appended(target.epoch, stored.seq(), false);
    }

    private LocalStream stream(Stream stream) {
        return streams.computeIfAbsent(stream, s -> new LocalStream(s, totalWeight::addAndGet, clock.millis()));
    }

    /**
     * Over the global bound, the oldest messages of the least recently active streams go first, down to
     * 90 % of the bound, so that the sort is paid once per many appends rather than on each. Only this
     * method holds two locks (the eviction lock, then one stream's), and no stream lock leads here.
     */
    private void evict() {
        synchronized (eviction) {
            long target = limits.maxBytes() - limits.maxBytes() / 10;
            if (totalWeight.get() <= limits.maxBytes()) {
                return;
            }
            List<LocalStream> idlestFirst = streams.values().stream().filter(LocalStream::holdsHistory)
                    .sorted(Comparator.comparingLong(LocalStream::lastActive)).toList();
            for (LocalStream stream : idlestFirst) {
                long excess = totalWeight.get() - target;
                if (excess <= 0) {
                    break;
                }
                stream.evict(excess);
            }
        }
    }
}
