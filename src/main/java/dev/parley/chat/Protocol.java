package dev.parley.chat;

/** The chat protocol a connection speaks, by the WebSocket subprotocol it asked for. */
public enum Protocol {
    /** No subprotocol: the tutorial's chat, byte for byte, in the room {@value ChatSettings#LOBBY}. */
    V1,
    /** {@value #V2_NAME}: rooms, numbered messages, history, resume and acknowledged sends. */
    V2;

    public static final String V2_NAME = "parley.v2";

    public static Protocol negotiated(String subprotocol) {
        return V2_NAME.equals(subprotocol) ? V2 : V1;
    }
}
