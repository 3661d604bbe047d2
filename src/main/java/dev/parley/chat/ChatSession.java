package dev.parley.chat;

/** One chat connection's protocol adapter: what the endpoint hands each of its callbacks to. */
interface ChatSession {

    void opened();

    /** A text frame within the size and rate limits. */
    void text(String text);

    /** A binary frame within the limits: chat messages are JSON text, so it is refused. */
    void binary();

    /** A frame over the rate limit was dropped. */
    void rateLimited();

    /** The connection closed or failed: whatever it held is released. */
    void closed();
}
