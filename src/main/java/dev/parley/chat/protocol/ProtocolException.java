package dev.parley.chat.protocol;

import jakarta.websocket.DecodeException;

/**
 * Input that is not a valid chat message. It extends {@link DecodeException} so that a
 * {@link ClientMessageDecoder} can throw it and the endpoint's error handler can answer with its code.
 */
public final class ProtocolException extends DecodeException {

    private static final long serialVersionUID = 1L;

    private final transient ServerEvent.Error error;

    public ProtocolException(String input, ErrorCode code, String reason) {
        super(input, reason);
        this.error = new ServerEvent.Error(code, reason);
    }

    public ServerEvent.Error error() {
        return error;
    }
}
