package dev.parley.chat.protocol.v2;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a {@code parley.v2} client may send. Every request may carry a {@code ref}, which the reply to it,
 * or the error it causes, repeats. A new request is one record here and one case in {@link V2Json}.
 */
public sealed interface Request {

    /** Longest room name, user name, ref or cid, in characters (code points). */
    int MAX_NAME_LENGTH = 64;
    /** Most messages one {@code history} request may ask for. */
    int MAX_HISTORY_LIMIT = 100;
    /** Most members one {@code members} page may hold. */
    int MAX_MEMBERS_LIMIT = 1000;

    Optional<String> ref();

    /** Must come first: claims the name {@code user}; {@code inbox} resumes private messages. */
    record Hello(String user, Optional<Position> inbox, Optional<String> ref) implements Request {
    }

    /**
     * {@code hello} where tokens are required: the user is the signed token's {@code sub}. On the wire it is
     * a {@code hello} with {@code token} in place of {@code user}.
     */
    record TokenHello(String token, Optional<Position> inbox, Optional<String> ref) implements Request {
    }

    /**
     * {@code hello} where the server's login says who the user is ({@code parley.auth.mode=container}): a
     * {@code hello} with neither {@code user} nor {@code token}.
     */
    record LoginHello(Optional<Position> inbox, Optional<String> ref) implements Request {
    }

    /** A new token for the connection's user, before the one it has expires. */
    record Refresh(String token, Optional<String> ref) implements Request {
    }

    /** Joins (or re-joins, to repair a gap) {@code room}, resuming after {@code since} if given. */
    record Join(String room, Optional<Position> since, Optional<String> ref) implements Request {
    }

    record Leave(String room, Optional<String> ref) implements Request {
    }

    /** A message to a joined room; {@code cid} is the client's id for it, which makes a retry harmless. */
    record SendToRoom(String room, String text, String cid, Optional<String> ref) implements Request {
    }

    /** A private message to the user {@code to}. */
    record SendToUser(String to, String text, String cid, Optional<String> ref) implements Request {
    }

    /** Up to {@code limit} retained messages of a joined room just before seq {@code before} (default: all). */
    record History(String room, OptionalLong before, int limit, Optional<String> ref) implements Request {
    }

    /** A page of a joined room's members, in order of joining, after the member {@code after}. */
    record Members(String room, Optional<String> after, int limit, Optional<String> ref) implements Request {
    }
}
