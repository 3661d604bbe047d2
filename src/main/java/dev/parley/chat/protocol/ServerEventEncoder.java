package dev.parley.chat.protocol;

import jakarta.websocket.Encoder;

/** Encodes server events; fan-out calls it once per event, whatever the number of receivers. */
public final class ServerEventEncoder implements Encoder.Text<ServerEvent> {

    @Override
    public String encode(ServerEvent event) {
        return ChatJson.write(event);
    }
}
