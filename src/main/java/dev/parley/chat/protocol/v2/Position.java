package dev.parley.chat.protocol.v2;

/** A point in a room's or an inbox's numbered stream: the last event a client saw, under its epoch. */
public record Position(String epoch, long seq) {
}
