package dev.parley.connection;

import dev.parley.ops.Meters;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A session's bounded, ordered queue of outbound frames, written in turn with asynchronous sends.
 *
 * <p>A blocking send would let one slow reader stall its sender, so callers only enqueue; one write-out
 * is in flight at a time, and its completion starts the next. A write-out is one frame, or on a container
 * that can write several frames in one go, whatever has queued meanwhile (see {@link Transport#batchLimit}):
 * under load that is one system call for many deliveries. A receiver that lets the queue pass its bound
 * is cut off with 1008 "slow consumer" rather than allowed to grow the heap (asyncio's high-water mark,
 * then abort).
 *
 * <p>{@link #enqueue} and {@link #flush} are separate so that fan-out can enqueue an event to every
 * receiver under one lock, keeping membership events in one order for all, and write after releasing it.
 */
public final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    /** No write in flight: unlike 0, where a test's ticker starts, a value no clock reads in practice. */
    private static final long IDLE = Long.MIN_VALUE;

    private final String id;
    private final Transport transport;
    /** Where queued frames are written: the caller's thread, or an executor (see {@link OutboxWriter}). */
    private final Executor writer;
    private final Executor closer;
    private final OutboxLimits limits;
    private final Ticker ticker;

    private final Queue<OutboundFrame> queue = new ConcurrentLinkedQueue<>();
    /** Frames queued or in flight, and their size: what the bound applies to. */
    private final AtomicInteger pendingFrames = new AtomicInteger();
    private final AtomicLong pendingSize = new AtomicLong();
    /** Held by whoever is writing the head of the queue. */
    private final AtomicBoolean writing = new AtomicBoolean();
    /** Held while a write-out is scheduled or running on the writer. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** When the write in flight started or last made progress, by the ticker; {@link #IDLE} when none is. */
    private volatile long writeStartedAt = IDLE;

    Outbox(String id, Transport transport, Executor writer, Executor closer, OutboxLimits limits, Ticker ticker) {
        this.id = id;
        this.transport = transport;
        this.writer = writer;
        this.closer = closer;
        this.limits = limits;
        this.ticker = ticker;
    }

    /** Queues a frame without writing; false if the outbox is closed or has just overflowed. */
    public boolean enqueue(OutboundFrame frame) {
        if (closed.get()) {
            return false;
        }
        int frames = pendingFrames.incrementAndGet();
        long size = pendingSize.addAndGet(frame.size());
        if (limits.isOver(frames, size) && isSlowConsumer(frames, size)) {
            pendingFrames.decrementAndGet();
            pendingSize.addAndGet(-frame.size());
            if (close(Disconnect.SLOW_CONSUMER)) {
                LOG.warning(() -> "session " + id + ": outbound queue over its bound (" + frames + " frames, "
                        + size + " bytes) and not draining; closing it as a slow consumer");
            }
            return false;
        }
        queue.add(frame);
        if (closed.get()) {
            dropQueued(); // closed meanwhile: the close dropped what was queued before this frame
            return false;
        }
        return true;
    }

    /**
     * Past the bound, only a receiver whose current write has made no progress for a while is to blame:
     * one that reads, behind a server that is merely busy with a large fan-out, keeps its connection.
     * Past the hard bound, any receiver is cut off, so that memory stays bounded whatever happens.
     */
    private boolean isSlowConsumer(int frames, long size) {
        return isStalled(ticker.nanoTime()) || limits.isOverHardBound(frames, size);
    }

    /** Queues a frame and starts writing. */
    public boolean send(OutboundFrame frame) {
        boolean queued = enqueue(frame);
        flush();
        return queued;
    }

    /**
     * Starts writing queued frames on the writer, unless that is under way already. On an executor, one
     * task writes out everything queued meanwhile, so that a burst costs one task rather than one a frame.
     */
    public void flush() {
        if (!queue.isEmpty() && !writing.get() && draining.compareAndSet(false, true)) {
            try {
                writer.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false);
                LOG.warning(() -> "session " + id + ": no writer thread to be had; closing it");
                close(Disconnect.SLOW_CONSUMER);
            }
        }
    }

    private void drain() {
        do {
            writeQueued();
            draining.set(false);
        } while (!queue.isEmpty() && !writing.get() && draining.compareAndSet(false, true));
    }

    /**
     * Writes queued frames unless a write is already in flight: as many at once as the transport takes
     * together, the next batch once they have all completed. A batch that completes inside the call
     * that started it does not recurse: the loop here writes the next one instead.
     */
    private void writeQueued() {
        while (!closed.get() && !queue.isEmpty() && writing.compareAndSet(false, true)) {
            List<OutboundFrame> batch = takeBatch();
            if (batch.isEmpty()) {
                writing.set(false);
                continue;
            }
            // one count a frame, and one that this call holds until it has handed them all over
            AtomicInteger unfinished = new AtomicInteger(batch.size() + 1);
            writeStartedAt = ticker.nanoTime();
            transport.batch(() -> batch.forEach(frame -> write(frame, result -> {
                settle(frame, result);
                if (unfinished.decrementAndGet() == 0) {
                    writeStartedAt = IDLE;
                    writing.set(false);
                    flush();
                } else {
                    writeStartedAt = ticker.nanoTime(); // progress
                }
            })));
            if (unfinished.decrementAndGet() != 0) {
                return; // the last completion carries on
            }
            writeStartedAt = IDLE;
            writing.set(false);
        }
    }

    /** The next frames to write together; a close goes alone, once all before it have been written. */
    private List<OutboundFrame> takeBatch() {
        List<OutboundFrame> batch = new ArrayList<>(Math.min(transport.batchLimit(), 8));
        while (batch.size() < transport.batchLimit()) {
            if (!batch.isEmpty() && queue.peek() instanceof OutboundFrame.Close) {
                break;
            }
            OutboundFrame frame = queue.poll(); // a close may drop the queue meanwhile: then this is null
            if (frame == null) {
                break;
            }
            batch.add(frame);
            if (frame instanceof OutboundFrame.Close) {
                break;
            }
        }
        return batch;
    }

    private void write(OutboundFrame frame, SendHandler done) {
        try {
            if (frame instanceof OutboundFrame.Text text) {
                transport.sendText(text.text(), done);
            } else if (frame instanceof OutboundFrame.Binary binary) {
                transport.sendBinary(binary.data(), done);
            } else if (frame instanceof OutboundFrame.Ping ping) {
                ping.sending().run();
                transport.sendPing(ByteBuffer.allocate(0), done);
            } else if (frame instanceof OutboundFrame.Close close) {
                close(close.why());
                done.onResult(new SendResult());
            }
        } catch (RuntimeException e) {
            // a session closing under us refuses the write at once rather than through the handler
            done.onResult(new SendResult(e));
        }
    }

    /**
     * Cuts the connection off from any thread without blocking it; queued frames are dropped. True if
     * this call did it, false if the outbox was closed already.
     */
    public boolean close(Disconnect why) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        Meters.closed(why.tag());
        dropQueued();
        closer.execute(() -> transport.close(why.reason()));
        return true;
    }

    /** Cuts the connection off on the caller's thread, which may block briefly: for shutdown only. */
    void closeNow(Disconnect why) {
        if (!closed.get()) {
            Meters.closed(why.tag());
        }
        discard();
        transport.close(why.reason());
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Stops accepting frames once the session is gone. */
    void discard() {
        closed.set(true);
        dropQueued();
    }

    /** Drops what is queued, and its count: only frames in flight are pending once the outbox is closed. */
    private void dropQueued() {
        OutboundFrame frame;
        while ((frame = queue.poll()) != null) {
            pendingFrames.decrementAndGet();
            pendingSize.addAndGet(-frame.size());
        }
    }

    /** True if the write in flight has made no progress for the stall time: the peer is not reading. */
    boolean isStalled(long now) {
        long started = writeStartedAt;
        return started != IDLE && now - started >= limits.stallNanos();
    }

    public int pendingFrames() {
        return pendingFrames.get();
    }

    private void settle(OutboundFrame frame, SendResult result) {
        pendingFrames.decrementAndGet();
        pendingSize.addAndGet(-frame.size());
        if (!result.isOK() && close(Disconnect.CONNECTION_LOST)) {
            // The peer is gone or the write failed. Close the session rather than only stop writing: the
            // container may never report this connection closed (Tyrus on Payara, a client that drops TCP,
            // after a close frame or without one), and a closed outbox sends no more pings and its close
            // does nothing, so keepalive could not drop it either: it stayed registered, its name held.
            LOG.fine(() -> "session " + id + ": send failed, closing it: " + result.getException());
        }
    }
}
