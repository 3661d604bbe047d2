package dev.parley.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A session's bounded, ordered queue of outbound frames, written one at a time with asynchronous sends.
 *
 * <p>Neither Tyrus nor Undertow allows overlapping sends on one session, and a blocking send would let
 * one slow reader stall its sender. So callers only enqueue; at most one write is in flight, and its
 * completion starts the next. A receiver that lets the queue pass its bound is cut off with
 * 1008 "slow consumer" rather than allowed to grow the heap (asyncio's high-water mark, then abort).
 *
 * <p>{@link #enqueue} and {@link #flush} are separate so that fan-out can enqueue an event to every
 * receiver under one lock, keeping membership events in one order for all, and write after releasing it.
 */
public final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    static final CloseReason SLOW_CONSUMER =
            new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "slow consumer");

    private final String id;
    private final Transport transport;
    /** Where queued frames are written: the caller's thread, or an executor (see {@link OutboxWriter}). */
    private final Executor writer;
    private final Executor closer;
    private final OutboxLimits limits;

    private final Queue<OutboundFrame> queue = new ConcurrentLinkedQueue<>();
    /** Frames queued or in flight, and their size: what the bound applies to. */
    private final AtomicInteger pendingFrames = new AtomicInteger();
    private final AtomicLong pendingSize = new AtomicLong();
    /** Held by whoever is writing the head of the queue. */
    private final AtomicBoolean writing = new AtomicBoolean();
    /** Held while a write-out is scheduled or running on the writer. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** When the write in flight started (System.nanoTime()), or 0 when none is. */
    private volatile long writeStartedAt;

    Outbox(String id, Transport transport, Executor writer, Executor closer, OutboxLimits limits) {
        this.id = id;
        this.transport = transport;
        this.writer = writer;
        this.closer = closer;
        this.limits = limits;
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
            if (close(SLOW_CONSUMER)) {
                LOG.warning(() -> "session " + id + ": outbound queue over its bound (" + frames + " frames, "
                        + size + " bytes) and not draining; closing it as a slow consumer");
            }
            return false;
        }
        queue.add(frame);
        return true;
    }

    /**
     * Past the bound, only a receiver whose current write has made no progress for a while is to blame:
     * one that reads, behind a server that is merely busy with a large fan-out, keeps its connection.
     * Past the hard bound, any receiver is cut off, so that memory stays bounded whatever happens.
     */
    private boolean isSlowConsumer(int frames, long size) {
        return isStalled(System.nanoTime()) || limits.isOverHardBound(frames, size);
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
                close(SLOW_CONSUMER);
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
     * Writes queued frames unless a write is already in flight. A send that completes inside the call
     * that started it does not recurse: the loop here writes the next frame instead.
     */
    private void writeQueued() {
        while (!closed.get() && !queue.isEmpty() && writing.compareAndSet(false, true)) {
            OutboundFrame frame = queue.poll();
            if (frame == null) {
                writing.set(false);
                continue;
            }
            // 0: write started, 1: the starting call has returned, 2: the write completed first
            AtomicInteger handoff = new AtomicInteger();
            writeStartedAt = System.nanoTime() | 1; // never 0, which means idle
            SendHandler done = result -> {
                writeStartedAt = 0;
                settle(frame, result);
                if (!handoff.compareAndSet(0, 2)) {
                    writing.set(false);
                    flush();
                }
            };
            try {
                if (frame instanceof OutboundFrame.Text text) {
                    transport.sendText(text.text(), done);
                } else if (frame instanceof OutboundFrame.Binary binary) {
                    transport.sendBinary(binary.data(), done);
                } else if (frame instanceof OutboundFrame.Ping ping) {
                    ping.sending().run();
                    transport.sendPing(ByteBuffer.allocate(0), done);
                }
            } catch (RuntimeException e) {
                // a session closing under us refuses the write at once rather than through the handler
                done.onResult(new SendResult(e));
            }
            if (handoff.compareAndSet(0, 1)) {
                return; // the completion handler carries on
            }
            writing.set(false);
        }
    }

    /**
     * Cuts the connection off from any thread without blocking it; queued frames are dropped. True if
     * this call did it, false if the outbox was closed already.
     */
    public boolean close(CloseReason reason) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        queue.clear();
        closer.execute(() -> transport.close(reason));
        return true;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Stops accepting frames once the session is gone. */
    void discard() {
        closed.set(true);
        queue.clear();
    }

    /** True if the write in flight has made no progress for the stall time: the peer is not reading. */
    boolean isStalled(long now) {
        long started = writeStartedAt;
        return started != 0 && now - started >= limits.stallNanos();
    }

    public int pendingFrames() {
        return pendingFrames.get();
    }

    private void settle(OutboundFrame frame, SendResult result) {
        pendingFrames.decrementAndGet();
        pendingSize.addAndGet(-frame.size());
        if (!result.isOK()) {
            // the peer is gone or the write failed: its onClose/onError follows; stop writing to it
            LOG.fine(() -> "session " + id + ": send failed: " + result.getException());
            discard();
        }
    }
}
