package dev.parley.chat.bus;

import java.util.Optional;

/**
 * A message before the bus numbers it. {@code to} is set for a private message; {@code cid} (absent for
 * v1 senders) makes a retry of the same send by the same user within the dedupe window harmless.
 */
public record Draft(String from, Optional<String> to, String text, Optional<String> cid) {
}
