package dev.parley.chat.bus;

import dev.parley.chat.protocol.v2.Position;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Numbers, stores and hands out the chat's streams: where a second node plugs in. Everything above it
 * asks the bus and hears from it through {@link StreamListener}s, and assumes nothing of one JVM: every
 * call may complete later, on another thread. Centrifuge's Broker is the model.
 */
public interface ChatBus {

    /** The user names, held once across everything this bus connects. */
    Names names();

    /**
     * Stores {@code draft} as the stream's next message, then every listener of the stream hears it. A
     * draft with a cid that its sender already sent to this stream within the dedupe window is not stored
     * again: the result repeats the first one's seq, with {@code dup}.
     */
    CompletionStage<Appended> append(Stream stream, Draft draft);

    /**
     * Stores a private message in both inboxes, its sender's first, and tells their listeners: a reply the
     * receiver sends at once then always comes after the sender's own copy. The result is the sender's inbox
     * position, which the sender's ack carries.
     */
    CompletionStage<Appended> appendPrivate(Draft draft);

    /**
     * A session of {@code member}'s user joins the room. A user is in a room while any of its sessions is
     * (its devices): the room's listeners hear that the user joined, in order with its messages, when its
     * first session joins, and that it left when its last one leaves. The member's token names this one
     * membership: it starts with the token of the session's {@link Names.Claim} and a {@code #}, which is
     * what ties it to the node that holds the session.
     */
    CompletionStage<Void> announceJoin(Stream room, Names.Claim member, String content);

    /** The session that holds {@code member} leaves the room; see {@link #announceJoin}. */
    CompletionStage<Void> announceLeave(Stream room, Names.Claim member, String content);

    /**
     * What a client that last saw {@code since} is owed (see {@link Recovery}); without {@code since}, or
     * when it cannot be recovered, the latest {@code latest} messages.
     */
    CompletionStage<Recovery> recover(Stream stream, Optional<Position> since, int latest);

    /** Up to {@code limit} retained messages just before seq {@code before}, at most {@code maxWeight} of them. */
    CompletionStage<Slice> before(Stream stream, long before, int limit, long maxWeight);

    /** This node's listener of the stream, until {@link #unsubscribe}. */
    void subscribe(Stream stream, StreamListener listener);

    void unsubscribe(Stream stream);

    /** Forgets a stream and its history: the next use starts it afresh under a new epoch. */
    void drop(Stream stream);

    /**
     * This node is done with the stream (an inbox whose user went): it stops listening and forgets the
     * history it heard, but not a history started afresh since, which another node's user now has.
     */
    default void retire(Stream stream) {
        unsubscribe(stream);
        drop(stream);
    }
}
