package dev.parley.status;

import dev.parley.ops.Meters;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/** {@code GET /api/metrics}: every meter, in Prometheus's text format (see README, "Metrics and health"). */
@Path("metrics")
@OpsOnly
public class MetricsResource {

    /** Prometheus's text exposition format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    @GET
    @Produces(PROMETHEUS_TEXT)
    public String metrics() {
        return Meters.scrape();
    }
}
