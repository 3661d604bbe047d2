package dev.parley.chat.bus;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * Remembers each send's (stream, sender, cid) for the dedupe window, so that a retry, perhaps on a new
 * connection while the first is still being handled, is stored once. The first send holds a future that
 * later ones wait on; lock-free, so that it serialises nothing but the same cid.
 */
final class Dedupe {

    record Key(Stream stream, String from, String cid) {
    }

    private record Expiry(Key key, long at) {
    }

    private final ConcurrentHashMap<Key, CompletableFuture<Appended>> sent = new ConcurrentHashMap<>();
    private final Queue<Expiry> expiries = new ConcurrentLinkedQueue<>();

    /** The first send's result for {@code key}, as a duplicate; else what {@code store} stores. */
    CompletableFuture<Appended> once(Key key, long now, long windowMillis, Supplier<Appended> store) {
        forgetUntil(now);
        CompletableFuture<Appended> mine = new CompletableFuture<>();
        CompletableFuture<Appended> first = sent.putIfAbsent(key, mine);
        if (first != null) {
            return first.thenApply(stored -> new Appended(stored.epoch(), stored.seq(), true));
        }
        expiries.add(new Expiry(key, now + windowMillis));
        try {
            mine.complete(store.get());
        } catch (RuntimeException e) {
            sent.remove(key, mine);
            mine.completeExceptionally(e);
        }
        return mine;
    }

    /** Forgets cids whose window has passed; expiries are queued in time order, so the head goes first. */
    void forgetUntil(long now) {
        Expiry head;
        while ((head = expiries.peek()) != null && head.at() <= now && expiries.remove(head)) {
            sent.remove(head.key());
        }
    }

    int size() {
        return sent.size();
    }
}
