package dev.parley.chat.bus;

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
}
