package dev.parley.chat.protocol;

import jakarta.websocket.DecodeException;
import java.util.Optional;

/**
 * Input that is not a valid chat message. It extends {@link DecodeException} so that a
 * {@link ClientMessageDecoder} can throw it and the endpoint's error handler can answer with its code.
 * A refused {@code parley.v2} request also carries the request's {@code ref} and {@code cid}, when it had
 * valid ones, for the error event to repeat.
 */
public final class ProtocolException extends DecodeException {

    private static final long serialVersionUID = 1L;

    private final transient ServerEvent.Error error;
    /** null when the request had none, or no valid one: kept as Strings because Optional is not serializable. */
    private final String ref;
    private final String cid;

    public ProtocolException(String input, ErrorCode code, String reason) {
        this(input, code, reason, null, null);
    }

    private ProtocolException(String input, ErrorCode code, String reason, String ref, String cid) {
        super(input, reason);
        this.error = new ServerEvent.Error(code, reason);
        this.ref = ref;
        this.cid = cid;
    }

    /** The same refusal, carrying the refused request's {@code ref} and {@code cid}. */
    public ProtocolException with(Optional<String> ref, Optional<String> cid) {
        return new ProtocolException(getText(), error.code(), error.reason(), ref.orElse(null), cid.orElse(null));
    }

    public ServerEvent.Error error() {
        return error;
    }

    public Optional<String> ref() {
        return Optional.ofNullable(ref);
    }

    public Optional<String> cid() {
        return Optional.ofNullable(cid);
    }
}
