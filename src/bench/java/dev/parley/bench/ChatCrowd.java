package dev.parley.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Registered {@code /chat} users that check what they receive: every sender's messages, exactly once and
 * in order. A message's content is {@code sender,sequence,sentNanos}.
 */
final class ChatCrowd {

    private final List<BenchSocket> sockets = new ArrayList<>();
    private final List<int[]> lastSeen = new ArrayList<>();
    private final LongAdder logins = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final AtomicLong faults = new AtomicLong();
    private final AtomicBoolean someoneLeft = new AtomicBoolean();
    private volatile Recorder latencies = new Recorder(3);
    private volatile SenderHook hook = (sender, sequence) -> { };

    /** Called on each sender's own copy of its message, to pace it. */
    interface SenderHook {
        void echoed(int sender, int sequence);
    }

    /** Opens and registers {@code users} users, all of whom may receive from {@code senders} senders. */
    ChatCrowd(Target target, int users, int senders) throws InterruptedException {
        for (int i = 0; i < users; i++) {
            int user = i;
            int[] last = new int[senders];
            Arrays.fill(last, -1);
            lastSeen.add(last);
            sockets.add(BenchSocket.open(target.client(), target.chat(), text -> receive(user, last, text)));
            sockets.get(i).send("{\"type\":\"register\",\"uuid\":\"u" + i + "\",\"content\":\"bench\"}");
        }
        awaitLogins((long) users * (users + 1) / 2);
    }

    /**
     * Waits until {@code total} login events have arrived, all users' copies together. Each carries the user
     * list, so the logins of 1,000 users are some 2 GB of frames: Payara takes minutes over them.
     */
    void awaitLogins(long total) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (logins.sum() < total) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("only " + logins.sum() + " of " + total + " logins arrived");
            }
            Thread.sleep(10);
        }
    }

    private void receive(int user, int[] last, String text) {
        if (text.startsWith("{\"type\":\"login\"") || text.startsWith("{\"type\": \"login\"")) {
            logins.increment();
            return;
        }
        if (text.contains("\"logout\"")) {
            someoneLeft.set(true);
            return;
        }
        int at = text.indexOf("\"content\"");
        if (at < 0 || text.contains("\"to\"")) {
            return; // the handshake, or a private message
        }
        int open = text.indexOf('"', text.indexOf(':', at) + 1);
        String[] parts = text.substring(open + 1, text.indexOf('"', open + 1)).split(",");
        int sender = Integer.parseInt(parts[0]);
        int sequence = Integer.parseInt(parts[1]);
        latencies.recordValue(Math.max(0, System.nanoTime() - Long.parseLong(parts[2])));
        if (sequence != last[sender] + 1) {
            faults.incrementAndGet(); // lost, repeated or out of order
        }
        last[sender] = sequence;
        delivered.increment();
        if (sender == user) {
            hook.echoed(sender, sequence);
        }
    }

    void send(int sender, int sequence) {
        sockets.get(sender).send("{\"type\":\"send\",\"content\":\"" + sender + "," + sequence + ","
                + System.nanoTime() + "\"}");
    }

    void sendPrivate(int sender, String to, String content) {
        sockets.get(sender).send("{\"type\":\"send\",\"to\":\"" + to + "\",\"content\":\"" + content + "\"}");
    }

    void pace(SenderHook hook) {
        this.hook = hook;
    }

    /** Starts a new measurement: latencies and deliveries from now on, sequences from 0 again. */
    void reset() {
        latencies = new Recorder(3);
        delivered.reset();
        lastSeen.forEach(last -> Arrays.fill(last, -1));
    }

    long delivered() {
        return delivered.sum();
    }

    long faults() {
        return faults.get();
    }

    boolean someoneLeft() {
        return someoneLeft.get();
    }

    Histogram latencies() {
        return latencies.getIntervalHistogram();
    }

    void close() {
        sockets.forEach(BenchSocket::close);
    }
}
