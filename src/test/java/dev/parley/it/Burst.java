package dev.parley.it;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Members of one room, each on a thread of its own: the senders send {@code each} messages ("s:n", cid
 * "room-s-n") one after another, each until acknowledged, and then, as the listeners do, take messages
 * until they have every sender's. Whoever loses its connection reconnects to {@code reconnectTo} and
 * resumes.
 */
final class Burst implements AutoCloseable {

    private final ExecutorService pool;
    private final List<Future<?>> work = new ArrayList<>();

    private Burst(int threads) {
        pool = Executors.newFixedThreadPool(threads);
    }

    static Burst start(List<Follower> senders, List<Follower> listeners, int each, Duration pause, URI reconnectTo) {
        Burst burst = new Burst(senders.size() + listeners.size());
        long total = (long) senders.size() * each;
        for (int s = 0; s < senders.size(); s++) {
            Follower sender = senders.get(s);
            int from = s;
            burst.work.add(burst.pool.submit(() -> {
                for (int n = 0; n < each; n++) {
                    sender.send(from + ":" + n, sender.room + "-" + from + "-" + n, reconnectTo);
                    if (!pause.isZero()) {
                        Thread.sleep(pause.toMillis());
                    }
                }
                sender.awaitMessages(total, reconnectTo);
                return null;
            }));
        }
        for (Follower listener : listeners) {
            burst.work.add(burst.pool.submit(() -> {
                listener.awaitMessages(total, reconnectTo);
                return null;
            }));
        }
        return burst;
    }

    /** Waits for every member to be done; the first failure is thrown. */
    void await(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Future<?> done : work) {
            done.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
