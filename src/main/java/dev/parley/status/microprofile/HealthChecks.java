package dev.parley.status.microprofile;

import dev.parley.chat.ChatService;
import dev.parley.status.HealthResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The checks of {@code /api/health}, registered with MicroProfile Health where the server offers it
 * (Payara: {@code /health/live}, {@code /health/ready}), one response each named {@code parley} with every
 * check as its data. Where the server has no MicroProfile Health (WildFly as provisioned here), these
 * classes could not be loaded, and {@code beans.xml} keeps CDI from trying: their package is scanned only
 * where MicroProfile Health's API is there.
 */
final class HealthChecks {

    private HealthChecks() {
    }

    static HealthCheckResponse parley(Map<String, Boolean> checks) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("parley")
                .status(checks.values().stream().allMatch(Boolean::booleanValue));
        checks.forEach((name, up) -> response.withData(name, up ? "UP" : "DOWN"));
        return response.build();
    }

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {

        @Override
        public HealthCheckResponse call() {
            return parley(HealthResource.LIVE);
        }
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {

        @Inject
        ChatService chat;

        @Override
        public HealthCheckResponse call() {
            return parley(chat.readiness());
        }
    }
}
