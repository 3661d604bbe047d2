package dev.parley.chat.protocol.v2;

import dev.parley.chat.protocol.ErrorCode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a {@code parley.v2} server sends. A new event is one record here and one case in {@link V2Json}. */
public sealed interface Event {

    /** Where a resumed stream stands: its epoch and latest seq, and whether the client's gap was filled. */
    record Resume(String epoch, long seq, boolean recovered, int missed) {
    }

    /** Answers {@code hello}; {@code inbox.missed} private messages follow. */
    record Welcome(String user, Resume inbox, Optional<String> ref) implements Event {
    }

    /**
     * Answers {@code join}; {@code room.missed} messages follow, the last with seq {@code room.seq}, then
     * the live ones. {@code members} is present only in rooms within the presence limit.
     */
    record Joined(String room, Resume position, Optional<List<String>> members, int count, Optional<String> ref)
            implements Event {
        public Joined {
            members = members.map(List::copyOf);
        }
    }

    record Left(String room, Optional<String> ref) implements Event {
    }

    /**
     * A room message ({@code room} present) or a private one ({@code to} present), numbered in the room or
     * in the receiving user's inbox. {@code cid} is absent for messages from v1 clients.
     */
    record Message(Optional<String> room, Optional<String> to, String from, long seq, String epoch, String text,
            Instant time, Optional<String> cid) implements Event {
    }

    /** The message with {@code cid} is stored as {@code seq}; {@code dup} if it was stored already. */
    record Ack(String cid, long seq, boolean dup, Optional<String> room, Optional<String> to, Optional<String> ref)
            implements Event {
    }

    /** Who joined and left a room within the presence interval. */
    record Presence(String room, List<String> joined, List<String> left) implements Event {
        public Presence {
            joined = List.copyOf(joined);
            left = List.copyOf(left);
        }
    }

    /** How many members a room over the presence limit has. */
    record PresenceCount(String room, int count) implements Event {
    }

    record History(String room, List<Message> messages, boolean more, Optional<String> ref) implements Event {
        public History {
            messages = List.copyOf(messages);
        }
    }

    /** A page of members; {@code next} is the {@code after} of the next page, absent on the last. */
    record Members(String room, List<String> users, Optional<String> next, Optional<String> ref) implements Event {
        public Members {
            users = List.copyOf(users);
        }
    }

    /** A refusal, with the refused request's {@code ref} and, for a send, its {@code cid}. */
    /** A refresh's answer: the connection's token now expires at {@code expires}. */
    record Refreshed(Instant expires, Optional<String> ref) implements Event {
    }

    record Error(ErrorCode code, String reason, Optional<String> ref, Optional<String> cid) implements Event {
    }
}
