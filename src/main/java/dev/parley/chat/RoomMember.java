package dev.parley.chat;

import dev.parley.chat.bus.Names;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** One session's membership of one room, on this node. Guarded by the room's lock. */
final class RoomMember extends Receiver {

    private static final AtomicLong JOINS = new AtomicLong();

    /** The session's claim of its name. */
    final Names.Claim claim;
    /**
     * This membership as the bus counts the user's sessions in the room: the claim's token and a number of
     * its own, so that a leave retried late (after a failure) ends only its own membership, never a later
     * one of the same session.
     */
    final Names.Claim membership;
    /** How many of the room's untold presence changes this member's member list already reflects. */
    int presenceSeen;
    /**
     * A v1 member hears the room only from its own {@code login} on: what the room told between its
     * subscription and its join's turn in the room's order came before it joined. (A v2 member holds that
     * back instead, for its recovery to sort out.)
     */
    boolean announced;
    /**
     * Done once this node knows the user as a member: a cluster's bus tells the join on another connection
     * than the one that made it, and the member's {@code joined} must list the member itself.
     */
    final CompletableFuture<Void> joinHeard = new CompletableFuture<>();
    /** The same user's next session in the room on this node (another device), in order of joining. */
    RoomMember nextDevice;

    RoomMember(Names.Claim claim, Protocol protocol, Peer peer) {
        super(claim.name(), protocol, peer);
        this.claim = claim;
        this.membership = new Names.Claim(claim.name(), claim.token() + "#" + JOINS.incrementAndGet());
    }
}
