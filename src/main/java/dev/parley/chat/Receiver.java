package dev.parley.chat;

import dev.parley.chat.bus.Recovery;
import dev.parley.chat.bus.Stored;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * One session's delivery of one stream on this node: a room's member, or one device of a user's inbox.
 * While it (re)joins, the stream's messages are held back in {@code pending} and handed over after the
 * replay, minus what the replay already held: so there is no gap and no duplicate at the seam. Guarded by
 * the lock of the stream's delivery ({@link LocalRoom} or {@link LocalInbox}).
 */
class Receiver {

    private static final Logger LOG = Logger.getLogger(Receiver.class.getName());

    final String user;
    final Protocol protocol;
    final Peer peer;
    /** Messages held back while a recovery is under way; null once live. */
    List<Stored> pending;
    /**
     * Where its last replay ended: on a cluster the recovery is read from Redis, which can be ahead of what
     * this node has heard on the channel, so a message the replay held may still come live after it.
     */
    String replayedEpoch;
    long replayedTo;

    Receiver(String user, Protocol protocol, Peer peer) {
        this.user = user;
        this.protocol = protocol;
        this.peer = peer;
    }

    /** Whether a live message was already in this receiver's replay. */
    boolean replayed(String epoch, long seq) {
        return seq <= replayedTo && epoch.equals(replayedEpoch);
    }

    boolean isRecovering() {
        return pending != null;
    }

    void startRecovering() {
        if (pending == null) {
            pending = new ArrayList<>();
        }
    }

    /**
     * Ends a recovery: what it must replay is the recovery's messages, then those held back meanwhile that
     * the recovery did not hold; from then on it is live, and {@link #replayedTo} is the last seq replayed.
     */
    List<Stored> handOver(Recovery recovery, String stream) {
        List<Stored> replay = new ArrayList<>(recovery.messages());
        long expected = recovery.seq() + 1;
        for (Stored message : pending) {
            if (message.seq() < expected) {
                continue; // the recovery had it
            }
            if (message.seq() > expected) {
                long missing = expected;
                LOG.severe(() -> stream + ": seq " + missing + " missing at the seam for " + user);
            }
            replay.add(message);
            expected = message.seq() + 1;
        }
        pending = null;
        replayedEpoch = recovery.epoch();
        replayedTo = expected - 1;
        return replay;
    }
}
