package dev.parley.chat;

import dev.parley.chat.bus.Stored;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One session's membership of one room, on this node. While it (re)joins, the room's messages are held
 * back in {@code pending} and handed over after the replay, minus what the replay already held: so there
 * is no gap and no duplicate at the seam. Guarded by the room's lock.
 */
final class RoomMember {

    final String user;
    final Protocol protocol;
    final Peer peer;
    /** Messages held back while a recovery is under way; null once live. */
    List<Stored> pending;
    /** How many of the room's untold presence changes this member's member list already reflects. */
    int presenceSeen;
    /**
     * A v1 member hears the room only from its own {@code login} on: what the room told between its
     * subscription and its join's turn in the room's order came before it joined. (A v2 member holds that
     * back instead, for its recovery to sort out.)
     */
    boolean announced;
    /**
     * Done once this node has heard the member's own join: a cluster's bus tells it on another connection
     * than the one that made it, and the member's {@code joined} must list the member itself.
     */
    final CompletableFuture<Void> joinHeard = new CompletableFuture<>();

    RoomMember(String user, Protocol protocol, Peer peer) {
        this.user = user;
        this.protocol = protocol;
        this.peer = peer;
    }

    /**
     * Where its last replay ended: on a cluster the recovery is read from Redis, which can be ahead of what
     * this node has heard on the channel, so a message the replay held may still come live after it.
     */
    String replayedEpoch;
    long replayedTo;

    /** Whether a live message was already in this member's replay. */
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
}
