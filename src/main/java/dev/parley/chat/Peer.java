package dev.parley.chat;

import dev.parley.connection.Disconnect;

/**
 * Where one chat session's frames go: a connection's outbox, or a list in a unit test. Queuing and
 * writing are apart so that a room can queue an event for all its members under its lock and write after.
 */
public interface Peer {

    /** Queues a text frame without writing; never blocks. False if the peer is gone or has just been cut off. */
    boolean enqueue(String frame);

    /** Starts writing what was queued; never blocks. */
    void flush();

    /** Closes the connection for {@code why} once what was queued before has been written. */
    void close(Disconnect why);

    /** Queues and writes one frame. */
    default void send(String frame) {
        enqueue(frame);
        flush();
    }
}
