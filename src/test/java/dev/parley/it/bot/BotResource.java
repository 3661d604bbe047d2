package dev.parley.it.bot;

import jakarta.inject.Inject;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;
import java.net.URI;

/** {@code POST /bot/api/join} with a chat URL as the body: tells the bot where Parley is. */
@Path("join")
public class BotResource {

    @Inject
    ChatBot bot;

    @POST
    public String join(String chatUrl) {
        bot.join(URI.create(chatUrl.trim()));
        return "joined";
    }

    @ApplicationPath("api")
    public static class BotApplication extends Application {
    }
}
