package dev.parley.chat.bus;

import java.util.List;

/** A page of retained history, in seq order; {@code more} when older messages are still held. */
public record Slice(String epoch, List<Stored> messages, boolean more) {
    public Slice {
        messages = List.copyOf(messages);
    }
}
