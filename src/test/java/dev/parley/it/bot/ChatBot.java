package dev.parley.it.bot;

import dev.parley.client.ChatListener;
import dev.parley.client.ChatOptions;
import dev.parley.client.ParleyChat;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.ContainerProvider;
import java.net.URI;
import java.util.Optional;

/**
 * Another Jakarta EE application's use of the client library: a CDI bean that joins the chat as
 * {@code bot} and answers every private message it gets.
 */
@ApplicationScoped
public class ChatBot {

    public static final String NAME = "bot";

    /** Reconnection attempts run on the server's own scheduler rather than a thread of the library's. */
    @Resource
    ManagedScheduledExecutorService scheduler;

    private volatile ParleyChat chat;

    public synchronized void join(URI chatUri) {
        if (chat != null) {
            chat.close();
        }
        ChatOptions options = ChatOptions.defaults()
                .withContainer(ContainerProvider.getWebSocketContainer())
                .withGreeting("at your service")
                .withScheduler(scheduler);
        chat = ParleyChat.connect(chatUri, NAME, new Replier(), options);
    }

    @PreDestroy
    void leave() {
        if (chat != null) {
            chat.close();
        }
    }

    private final class Replier implements ChatListener {
        @Override
        public void onMessage(String from, String text, Optional<String> to) {
            if (to.isPresent() && to.get().equals(NAME) && !from.equals(NAME)) {
                chat.sendTo(from, "bot heard '" + text + "' from " + from);
            }
        }
    }
}
