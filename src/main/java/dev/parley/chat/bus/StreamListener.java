package dev.parley.chat.bus;

import java.util.List;

/**
 * This node's delivery of one stream's events. The bus calls it for each event in the stream's order,
 * one call at a time, so that every receiver sees one order.
 */
public interface StreamListener {

    /** A message was stored in {@code epoch}'s numbering. */
    void posted(String epoch, Stored message);

    /** {@code user} joined the room; {@code content} is a v1 register's greeting, else empty. */
    default void joined(String user, String content) {
    }

    /** {@code user} left the room; {@code content} is a v1 unregister's farewell, else empty. */
    default void left(String user, String content) {
    }

    /**
     * The room's whole member list, in order of joining, from a bus that keeps it apart from this node:
     * once when this node starts to listen, before any other event, and again after membership events
     * were missed (a pub/sub reconnect), when the listener tells the difference as joins and leaves.
     */
    default void members(List<String> users) {
    }
}
