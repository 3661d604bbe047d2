package dev.parley.status;

import dev.parley.chat.ChatService;
import dev.parley.connection.ConnectionRegistry;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletionStage;

/** {@code GET /api/status}: open connections per endpoint and the chat's users (names held, both protocols, on all nodes). */
@Path("status")
public class StatusResource {

    @Inject
    ConnectionRegistry registry;

    @Inject
    ChatService chat;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<String> status() {
        JsonObjectBuilder connections = Json.createObjectBuilder();
        registry.openConnections().forEach((endpoint, count) -> connections.add(endpoint.key(), count));
        return chat.users().thenApply(users -> {
            JsonObject status = Json.createObjectBuilder()
                    .add("connections", connections)
                    .add("users", Json.createArrayBuilder(users))
                    .build();
            return status.toString();
        });
    }
}
