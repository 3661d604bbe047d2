package dev.parley.chat.bus;

/** Where a send was stored: its seq under {@code epoch}; {@code dup} if a retry found it stored already. */
public record Appended(String epoch, long seq, boolean dup) {
}
