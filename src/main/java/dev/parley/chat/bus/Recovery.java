package dev.parley.chat.bus;

import java.util.List;

/**
 * What a (re)joining client is owed: the stream's epoch and latest seq, whether everything after the
 * client's position was still held ({@code recovered}), and the messages to replay, in seq order: exactly
 * the missed ones when recovered, else the latest few. Never partial.
 */
public record Recovery(String epoch, long seq, boolean recovered, List<Stored> messages) {
    public Recovery {
        messages = List.copyOf(messages);
    }
}
