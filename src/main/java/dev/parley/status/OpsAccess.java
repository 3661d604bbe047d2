package dev.parley.status;

import dev.parley.config.ParleyConfig;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Logger;

/**
 * Lets only {@code parley.ops.allowed-addresses} read {@link OpsOnly} resources. The peer's own address
 * counts, never a forwarding header: behind a load balancer, list the balancer, or better, scrape the nodes
 * directly.
 */
@Provider
@OpsOnly
public class OpsAccess implements ContainerRequestFilter {

    private static final Logger LOG = Logger.getLogger(OpsAccess.class.getName());

    @Inject
    ParleyConfig config;

    @Context
    HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext context) {
        String peer = request.getRemoteAddr();
        if (!config.opsReaders().contains(peer)) {
            LOG.fine(() -> "refused " + context.getUriInfo().getPath() + " to " + peer);
            context.abortWith(Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("not allowed from your address\n").build());
        }
    }
}
