package dev.parley.chat.protocol;

import jakarta.websocket.Decoder;

/** The client side's decoder: server events from text frames. */
public final class ServerEventDecoder implements Decoder.Text<ServerEvent> {

    @Override
    public ServerEvent decode(String text) throws ProtocolException {
        return ChatJson.readServerEvent(text);
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }
}
