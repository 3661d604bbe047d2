package dev.parley.chat.protocol;

import jakarta.websocket.Encoder;

/** The client side's encoder: chat messages to text frames. */
public final class ClientMessageEncoder implements Encoder.Text<ClientMessage> {

    @Override
    public String encode(ClientMessage message) {
        return ChatJson.write(message);
    }
}
