package dev.parley.status;

import dev.parley.chat.ChatService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code GET /api/health/live} and {@code /api/health/ready}: 200 when every check is up, else 503, with a
 * body naming each check ({@code {"status":"UP","checks":[{"name":"redis","status":"UP"}, ...]}}, the shape
 * MicroProfile Health uses). Live means the application answers; ready means it may take clients: on a
 * cluster, Redis reachable, pub/sub connected and the node's lease fresh.
 */
@Path("health")
@OpsOnly
public class HealthResource {

    /** Live: the application answers. */
    public static final Map<String, Boolean> LIVE = Map.of("application", true);

    @Inject
    ChatService chat;

    @GET
    @Path("live")
    @Produces(MediaType.APPLICATION_JSON)
    public Response live() {
        return answer(LIVE);
    }

    @GET
    @Path("ready")
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        return answer(chat.readiness());
    }

    private static Response answer(Map<String, Boolean> checks) {
        boolean up = checks.values().stream().allMatch(Boolean::booleanValue);
        JsonArrayBuilder each = Json.createArrayBuilder();
        checks.forEach((name, ok) -> each.add(Json.createObjectBuilder().add("name", name).add("status", ok ? "UP" : "DOWN")));
        String body = Json.createObjectBuilder().add("status", up ? "UP" : "DOWN").add("checks", each).build().toString();
        return Response.status(up ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE).entity(body).build();
    }
}
