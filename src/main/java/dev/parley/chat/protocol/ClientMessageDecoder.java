package dev.parley.chat.protocol;

import jakarta.websocket.Decoder;

/**
 * Decodes every text frame: refusals are thrown as {@link ProtocolException} so that the endpoint can
 * answer them with an error event instead of the container dropping the frame.
 */
public final class ClientMessageDecoder implements Decoder.Text<ClientMessage> {

    @Override
    public ClientMessage decode(String text) throws ProtocolException {
        return ChatJson.readClientMessage(text);
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }
}
