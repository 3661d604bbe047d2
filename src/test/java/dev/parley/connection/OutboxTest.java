package dev.parley.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboxTest {

    /** Stands still unless a test moves it: only the stall judgement reads it. */
    private final ManualTicker ticker = new ManualTicker();

    /** Records writes, and which were handed over together; the test decides when each completes. */
    static final class ManualTransport implements Transport {
        final List<Object> written = new ArrayList<>();
        final List<SendHandler> pending = new ArrayList<>();
        final List<Integer> batchSizes = new ArrayList<>();
        final int batchLimit;
        CloseReason closedWith;

        ManualTransport() {
            this(1);
        }

        ManualTransport(int batchLimit) {
            this.batchLimit = batchLimit;
        }

        @Override
        public int batchLimit() {
            return batchLimit;
        }

        @Override
        public void batch(Runnable sends) {
            int before = written.size();
            sends.run();
            batchSizes.add(written.size() - before);
        }

        @Override
        public synchronized void sendText(String text, SendHandler done) {
            written.add(text);
            pending.add(done);
        }

        @Override
        public synchronized void sendBinary(ByteBuffer data, SendHandler done) {
            written.add(data);
            pending.add(done);
        }

        @Override
        public void close(CloseReason reason) {
            closedWith = reason;
        }

        void completeNext(SendResult result) {
            SendHandler done;
            synchronized (this) {
                done = pending.remove(0);
            }
            done.onResult(result);
        }
    }

    /** Completes each write at once, inside the call, as a container whose send blocks does. */
    static final class InlineTransport implements Transport {
        final List<String> written = new ArrayList<>();

        @Override
        public void sendText(String text, SendHandler done) {
            written.add(text);
            done.onResult(new SendResult());
        }

        @Override
        public void sendBinary(ByteBuffer data, SendHandler done) {
            done.onResult(new SendResult());
        }

        @Override
        public void close(CloseReason reason) {
        }
    }

    @Test
    void writesOneFrameAtATimeInOrder() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox("s", transport, Runnable::run, Runnable::run, OutboxLimits.strict(10, 1000), ticker);
        outbox.send(new OutboundFrame.Text("a"));
        outbox.send(new OutboundFrame.Text("b"));
        outbox.send(new OutboundFrame.Binary(ByteBuffer.wrap(new byte[] {1})));
        assertEquals(List.of("a"), transport.written, "the second write waits for the first");

        transport.completeNext(new SendResult());
        assertEquals(List.of("a", "b"), transport.written);
        transport.completeNext(new SendResult());
        transport.completeNext(new SendResult());
        assertEquals(3, transport.written.size());
        assertEquals(0, outbox.pendingFrames());
    }

    @Test
    void aBatchingTransportGetsWhatIsQueuedInOneGoAndTheNextBatchOnceAllHaveCompleted() {
        ManualTransport transport = new ManualTransport(3);
        Outbox outbox = new Outbox("s", transport, Runnable::run, Runnable::run, OutboxLimits.strict(10, 1000), ticker);
        for (String text : List.of("a", "b", "c", "d", "e")) {
            outbox.enqueue(new OutboundFrame.Text(text));
        }
        outbox.flush();
        assertEquals(List.of("a", "b", "c"), transport.written, "up to the limit at once");
        assertEquals(List.of(3), transport.batchSizes);

        transport.completeNext(new SendResult());
        transport.completeNext(new SendResult());
        assertEquals(3, transport.written.size(), "the next batch waits for the whole of this one");
        transport.completeNext(new SendResult());
        assertEquals(List.of("a", "b", "c", "d", "e"), transport.written);
        assertEquals(List.of(3, 2), transport.batchSizes);
        assertEquals(2, outbox.pendingFrames(), "d and e are in flight");
    }

    @Test
    void onAnExecutorWriterOneTaskWritesOutABurstInOrderOffTheCallersThread() {
        InlineTransport inline = new InlineTransport();
        List<String> written = inline.written;
        List<Runnable> tasks = new ArrayList<>();
        Outbox outbox = new Outbox("s", inline, tasks::add, Runnable::run, OutboxLimits.strict(10, 1000), ticker);
        for (String text : List.of("a", "b", "c")) {
            outbox.send(new OutboundFrame.Text(text));
        }
        assertTrue(written.isEmpty(), "the senders' threads wrote nothing");
        assertEquals(1, tasks.size(), "one write-out for the burst");

        tasks.remove(0).run();
        assertEquals(List.of("a", "b", "c"), written);
        assertEquals(0, outbox.pendingFrames());
        outbox.send(new OutboundFrame.Text("d"));
        assertEquals(1, tasks.size(), "the next frame schedules a new write-out");
        tasks.remove(0).run();
        assertEquals(List.of("a", "b", "c", "d"), written);
    }

    @Test
    void enqueueDoesNotWriteUntilFlushed() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox("s", transport, Runnable::run, Runnable::run, OutboxLimits.strict(10, 1000), ticker);
        assertTrue(outbox.enqueue(new OutboundFrame.Text("a")));
        assertTrue(transport.written.isEmpty());
        outbox.flush();
        assertEquals(List.of("a"), transport.written);
    }

    @Test
    void sendsThatCompleteInlineDoNotRecurse() {
        InlineTransport inline = new InlineTransport();
        List<String> written = inline.written;
        Outbox outbox = new Outbox("s", inline, Runnable::run, Runnable::run,
                OutboxLimits.strict(200_000, 10_000_000), ticker);
        for (int i = 0; i < 100_000; i++) {
            outbox.enqueue(new OutboundFrame.Text(Integer.toString(i)));
        }
        outbox.flush(); // a recursive drain would overflow the stack here
        assertEquals(100_000, written.size());
        assertEquals("99999", written.get(99_999));
    }

    @Test
    void aReceiverPastTheFrameBoundIsClosedAsASlowConsumer() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox("s", transport, Runnable::run, Runnable::run, OutboxLimits.strict(2, 1000), ticker);
        assertTrue(outbox.send(new OutboundFrame.Text("in flight")));
        assertTrue(outbox.send(new OutboundFrame.Text("queued")));
        assertNull(transport.closedWith);

        assertFalse(outbox.send(new OutboundFrame.Text("one too many")));
        assertEquals(CloseReason.CloseCodes.VIOLATED_POLICY, transport.closedWith.getCloseCode());
        assertEquals("slow consumer", transport.closedWith.getReasonPhrase());
        assertFalse(outbox.send(new OutboundFrame.Text("after close")));
        transport.completeNext(new SendResult());
        assertEquals(List.of("in flight"), transport.written, "nothing is written after the cut-off");
    }

    @Test
    void aReceiverPastTheSizeBoundIsClosedAsASlowConsumer() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox("s", transport, Runnable::run, Runnable::run, OutboxLimits.strict(100, 10), ticker);
        assertTrue(outbox.send(new OutboundFrame.Text("12345")));
        assertTrue(outbox.send(new OutboundFrame.Text("12345")));
        assertFalse(outbox.send(new OutboundFrame.Text("1")));
        assertEquals(CloseReason.CloseCodes.VIOLATED_POLICY, transport.closedWith.getCloseCode());
    }

    @Test
    void aReceiverThatKeepsReadingMayPassTheBoundUpToTheHardBound() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox("s", transport, Runnable::run, Runnable::run,
                new OutboxLimits(2, 1000, Duration.ofHours(1)), ticker);
        for (int i = 0; i < 2 * OutboxLimits.HARD_BOUND_FACTOR; i++) {
            assertTrue(outbox.send(new OutboundFrame.Text("m" + i)), "frame " + i);
        }
        assertNull(transport.closedWith, "its write is in progress: a busy server, not a slow reader");
        assertFalse(outbox.send(new OutboundFrame.Text("past the hard bound")));
        assertEquals("slow consumer", transport.closedWith.getReasonPhrase());
    }

    @Test
    void aReceiverWhoseWriteStallsIsCutOffAtTheBound() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox("s", transport, Runnable::run, Runnable::run,
                new OutboxLimits(2, 1000, Duration.ofMillis(500)), ticker);
        outbox.send(new OutboundFrame.Text("in flight"));
        outbox.send(new OutboundFrame.Text("queued"));
        assertTrue(outbox.send(new OutboundFrame.Text("over, but the write is young")));
        ticker.advance(Duration.ofMillis(600));
        assertFalse(outbox.send(new OutboundFrame.Text("over, and nothing moved for 600 ms")));
        assertEquals(CloseReason.CloseCodes.VIOLATED_POLICY, transport.closedWith.getCloseCode());
    }

    @Test
    void closingHappensOnTheGivenExecutorNotTheCaller() {
        ManualTransport transport = new ManualTransport();
        List<Runnable> deferred = new ArrayList<>();
        Outbox outbox = new Outbox("s", transport, Runnable::run, deferred::add, OutboxLimits.strict(1, 1000), ticker);
        outbox.send(new OutboundFrame.Text("a"));
        outbox.send(new OutboundFrame.Text("b"));
        assertNull(transport.closedWith);
        assertEquals(1, deferred.size());
        deferred.get(0).run();
        assertEquals("slow consumer", transport.closedWith.getReasonPhrase());
    }

    @Test
    void aFailedWriteStopsFurtherWrites() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox("s", transport, Runnable::run, Runnable::run, OutboxLimits.strict(10, 1000), ticker);
        outbox.send(new OutboundFrame.Text("a"));
        outbox.send(new OutboundFrame.Text("b"));
        transport.completeNext(new SendResult(new IOException("broken pipe")));
        assertEquals(List.of("a"), transport.written);
        assertFalse(outbox.send(new OutboundFrame.Text("c")));
        // the container may never report the connection closed: the outbox closes it, and counts nothing as pending
        assertEquals("connection lost", transport.closedWith.getReasonPhrase());
        assertEquals(0, outbox.pendingFrames());
    }

    @Test
    void aWriteRefusedOutrightCountsAsFailedInsteadOfThrowing() {
        Transport closing = new Transport() {
            @Override
            public void sendText(String text, SendHandler done) {
                throw new IllegalStateException("The connection has been closed.");
            }

            @Override
            public void sendBinary(ByteBuffer data, SendHandler done) {
                throw new IllegalStateException("The connection has been closed.");
            }

            @Override
            public void close(CloseReason reason) {
            }
        };
        Outbox outbox = new Outbox("s", closing, Runnable::run, Runnable::run, OutboxLimits.strict(10, 1000), ticker);
        outbox.send(new OutboundFrame.Text("a"));
        assertEquals(0, outbox.pendingFrames());
        assertFalse(outbox.send(new OutboundFrame.Text("b")));
    }

    @Test
    void concurrentSendersNeverOverlapWritesAndKeepTheirOwnOrder() throws Exception {
        concurrentSendersKeepTheirOwnOrderWithAtMostThisManyWritesInFlight(1);
    }

    @Test
    void concurrentSendersKeepTheirOwnOrderOnABatchingTransport() throws Exception {
        concurrentSendersKeepTheirOwnOrderWithAtMostThisManyWritesInFlight(4);
    }

    private static void concurrentSendersKeepTheirOwnOrderWithAtMostThisManyWritesInFlight(int batchLimit)
            throws Exception {
        int senders = 8;
        int perSender = 5_000;
        ExecutorService completer = Executors.newSingleThreadExecutor();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ConcurrentLinkedQueue<String> written = new ConcurrentLinkedQueue<>();
        Transport async = new Transport() {
            @Override
            public void sendText(String text, SendHandler done) {
                if (inFlight.incrementAndGet() > batchLimit) {
                    overlaps.incrementAndGet();
                }
                written.add(text);
                completer.execute(() -> {
                    inFlight.decrementAndGet();
                    done.onResult(new SendResult());
                });
            }

            @Override
            public int batchLimit() {
                return batchLimit;
            }

            @Override
            public void sendBinary(ByteBuffer data, SendHandler done) {
            }

            @Override
            public void close(CloseReason reason) {
            }
        };
        Outbox outbox = new Outbox("s", async, Runnable::run, Runnable::run,
                OutboxLimits.strict(senders * perSender, Long.MAX_VALUE), new ManualTicker());
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        CountDownLatch start = new CountDownLatch(1);
        for (int s = 0; s < senders; s++) {
            int sender = s;
            pool.execute(() -> {
                awaitQuietly(start);
                for (int i = 0; i < perSender; i++) {
                    outbox.send(new OutboundFrame.Text(sender + ":" + i));
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (outbox.pendingFrames() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        completer.shutdown();

        assertEquals(0, overlaps.get(), "more than " + batchLimit + " writes in flight at once");
        assertEquals(senders * perSender, written.size());
        int[] next = new int[senders];
        for (String frame : written) {
            String[] parts = frame.split(":");
            int sender = Integer.parseInt(parts[0]);
            assertEquals(next[sender]++, Integer.parseInt(parts[1]), "sender " + sender + " out of order");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
