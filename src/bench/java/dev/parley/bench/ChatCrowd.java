package dev.parley.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code /chat} users in one room (v1: registered in lobby; v2: joined to a room) that check what they
 * receive: every sender's messages, exactly once and in order. A message's text is
 * {@code sender,sequence,sentNanos}, padded on request.
 */
final class ChatCrowd {

    private final Dialect dialect;
    private final List<BenchSocket> sockets = new ArrayList<>();
    private final List<int[]> lastSeen = new ArrayList<>();
    private final LongAdder logins = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    /** Characters (here: bytes) of the messages delivered, to tell an event's size on the wire. */
    private final LongAdder deliveredChars = new LongAdder();
    /** v2 cids: unique over the crowd's life, as a repeated one within the dedupe window is not stored. */
    private final AtomicLong cids = new AtomicLong();
    private volatile int textLength;
    private final AtomicLong faults = new AtomicLong();
    private final AtomicBoolean someoneLeft = new AtomicBoolean();
    private volatile Recorder latencies = new Recorder(3);
    /** Whether a sender's latency to itself counts: not where only the way to other nodes is measured. */
    private volatile boolean ownLatency = true;
    private volatile SenderHook hook = (sender, sequence) -> { };

    /** Called on each sender's own copy of its message (v1) or its ack (v2), to pace it. */
    interface SenderHook {
        void echoed(int sender, int sequence);
    }

    /** Opens and registers {@code users} v1 users, all of whom may receive from {@code senders} senders. */
    ChatCrowd(Target target, int users, int senders) throws InterruptedException {
        this(target, Dialect.v1(), users, senders);
    }

    /** Opens {@code users} users that enter as {@code dialect} says, without waiting between them. */
    ChatCrowd(Target target, Dialect dialect, int users, int senders) throws InterruptedException {
        this(user -> target, dialect, users, senders);
    }

    /** As {@link #ChatCrowd(Target, Dialect, int, int)}, each user on the server {@code placement} gives it. */
    ChatCrowd(IntFunction<Target> placement, Dialect dialect, int users, int senders) throws InterruptedException {
        this.dialect = dialect;
        for (int i = 0; i < users; i++) {
            int user = i;
            int[] last = new int[senders];
            Arrays.fill(last, -1);
            lastSeen.add(last);
            Target target = placement.apply(i);
            sockets.add(BenchSocket.open(target.client(), target.chat(), dialect.subprotocol(),
                    text -> receive(user, last, text)));
            dialect.enter(dialect.user(i)).forEach(step -> sockets.get(user).send(step.request()));
        }
        awaitLogins(dialect.entryEvents(users));
    }

    /**
     * Waits until {@code total} entry events (v1 logins, v2 joined replies) have arrived, all users' copies
     * together. A v1 login carries the user list, so the logins of 1,000 users are some 2 GB of frames:
     * Payara takes minutes over them.
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
        if (dialect.isEntry(text)) {
            logins.increment();
            return;
        }
        if (dialect.isAck(text)) {
            hook.echoed(user, -1);
            return;
        }
        if (text.startsWith("{\"type\":\"error\"")) {
            faults.incrementAndGet(); // a refused send: its sender stalls, and the run ends incomplete
            return;
        }
        if (dialect.isLeave(text)) {
            someoneLeft.set(true);
            return;
        }
        int start = dialect.textStart(text);
        if (start < 0) {
            return; // the handshake, presence, or a private message
        }
        String[] parts = text.substring(start, text.indexOf('"', start)).split(",");
        int sender = Integer.parseInt(parts[0]);
        int sequence = Integer.parseInt(parts[1]);
        if (ownLatency || sender != user) {
            latencies.recordValue(Math.max(0, System.nanoTime() - Long.parseLong(parts[2])));
        }
        if (sequence != last[sender] + 1) {
            faults.incrementAndGet(); // lost, repeated or out of order
        }
        last[sender] = sequence;
        deliveredChars.add(text.length());
        delivered.increment();
        if (sender == user && !dialect.pacedByAck()) {
            hook.echoed(sender, sequence);
        }
    }

    void send(int sender, int sequence) {
        String text = sender + "," + sequence + "," + System.nanoTime();
        if (text.length() + 1 < textLength) {
            text += "," + "x".repeat(textLength - text.length() - 1);
        }
        sockets.get(sender).send(dialect.send(text, "c" + cids.incrementAndGet()));
    }

    /** From now on, every message's text is {@code chars} long, or just its sender, sequence and time if longer. */
    void padTo(int chars) {
        textLength = chars;
    }

    void sendPrivate(int sender, String to, String content) {
        sockets.get(sender).send("{\"type\":\"send\",\"to\":\"" + to + "\",\"content\":\"" + content + "\"}");
    }

    /** From now on, latencies are the other users' only: a sender's own copy may come from a nearer server. */
    void othersLatencyOnly() {
        ownLatency = false;
    }

    void pace(SenderHook hook) {
        this.hook = hook;
    }

    /** Starts a new measurement: latencies, deliveries and faults from now on, sequences from 0 again. */
    void reset() {
        latencies = new Recorder(3);
        faults.set(0);
        delivered.reset();
        deliveredChars.reset();
        lastSeen.forEach(last -> Arrays.fill(last, -1));
    }

    long delivered() {
        return delivered.sum();
    }

    /** Mean size of a delivered message frame, in characters (bytes, as the bench sends ASCII only). */
    double meanFrameChars() {
        long n = delivered.sum();
        return n == 0 ? Double.NaN : (double) deliveredChars.sum() / n;
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
