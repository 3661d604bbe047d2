package dev.parley.chat.bus;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Remembers each send's (stream, sender, cid) for the dedupe window, so that a retry, perhaps on a new
 * connection while the first is still being handled, is stored once. While the first send is being
 * stored its entry is a future that a racing retry waits on; once stored, only the duplicate's answer is
 * kept, as every send holds an entry for minutes. Lookups are lock-free, so that nothing but the same cid
 * is serialised; only the queue of expiries takes a short lock.
 */
final class Dedupe {

    /** What identifies a send; {@code expiresAt} rides along for the expiry queue and is not part of it. */
    static final class Key {
        private final Stream stream;
        private final String from;
        private final String cid;
        private long expiresAt;

        Key(Stream stream, String from, String cid) {
            this.stream = stream;
            this.from = from;
            this.cid = cid;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && cid.equals(key.cid) && from.equals(key.from)
                    && stream.equals(key.stream);
        }

        @Override
        public int hashCode() {
            return (stream.hashCode() * 31 + from.hashCode()) * 31 + cid.hashCode();
        }
    }

    /** By key: a {@code CompletableFuture<Appended>} while the first send is stored, then its {@link Appended} as a duplicate. */
    private final ConcurrentHashMap<Key, Object> sent = new ConcurrentHashMap<>();
    /** Keys in the order they were first sent, which is their expiry order. */
    private final ArrayDeque<Key> expiries = new ArrayDeque<>();

    /** The first send's result for {@code key}, as a duplicate; else what {@code store} stores. */
    CompletableFuture<Appended> once(Key key, long now, long windowMillis, Supplier<Appended> store) {
        forgetUntil(now);
        CompletableFuture<Appended> mine = new CompletableFuture<>();
        Object first = sent.putIfAbsent(key, mine);
        if (first instanceof Appended dup) {
            return CompletableFuture.completedFuture(dup);
        }
        if (first != null) {
            @SuppressWarnings("unchecked")
            CompletableFuture<Appended> storing = (CompletableFuture<Appended>) first;
            return storing.thenApply(Dedupe::asDuplicate);
        }
        key.expiresAt = now + windowMillis;
        synchronized (expiries) {
            expiries.addLast(key);
        }
        Appended stored;
        try {
            stored = store.get();
        } catch (RuntimeException e) {
            sent.remove(key, mine);
            mine.completeExceptionally(e);
            return mine;
        }
        sent.replace(key, mine, asDuplicate(stored));
        mine.complete(stored);
        return mine;
    }

    private static Appended asDuplicate(Appended stored) {
        return new Appended(stored.epoch(), stored.seq(), true);
    }

    /**
     * Forgets cids whose window has passed. The queue is in first-send order, and the window is one for
     * all, so the head goes first. A key whose send failed was removed at once, and a retry may hold an
     * equal key since: only the very key queued is forgotten.
     */
    void forgetUntil(long now) {
        while (true) {
            Key head;
            synchronized (expiries) {
                head = expiries.peekFirst();
                if (head == null || head.expiresAt > now) {
                    return;
                }
                expiries.removeFirst();
            }
            Key expired = head;
            sent.computeIfPresent(expired, (key, value) -> key == expired ? null : value); // not a later retry's
        }
    }

    int size() {
        return sent.size();
    }
}
