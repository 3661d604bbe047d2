package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #13: {@code GET /api/metrics} is valid Prometheus text ({@code promtool check metrics}, Debian's
 * {@code prometheus} package) and its counters move as a client acts; {@code /api/health/live} and
 * {@code /ready} answer 200 with each check named.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MetricsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** How long a request may take before the test fails rather than hangs. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    private final String run = "mx" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);

    /** A metrics scrape, checked by promtool. */
    static String scrape(URI metrics) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(metrics).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                "content type " + response.headers().firstValue("Content-Type"));
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        promtool.getOutputStream().write(response.body().getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String said;
        try (InputStream out = promtool.getInputStream()) {
            said = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(promtool.waitFor(30, TimeUnit.SECONDS), "promtool finished");
        assertEquals(0, promtool.exitValue(), "promtool check metrics: " + said);
        return response.body();
    }

    /** The value of the sample {@code name} with exactly {@code labels} (as written: {@code a="b",c="d"}); 0 if absent. */
    static double sample(String scrape, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + (labels.isEmpty() ? "" : "{" + labels + "}"))
                + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void countersMoveAsAClientActsAndTheOutputIsValidPrometheusText() throws Exception {
        URI metrics = Deployments.http(base, "api/metrics");
        String before = scrape(metrics);
        try (RawWebSocket ws = RawWebSocket.openV2(Deployments.ws(base, "chat"))) {
            String room = run + "-room";
            ws.sendText(V2Json.write(new Request.Hello(run, Optional.empty(), Optional.empty())));
            ws.sendText(V2Json.write(new Request.Join(room, Optional.empty(), Optional.empty())));
            ws.sendText(V2Json.write(new Request.SendToRoom(room, "one", "c1", Optional.empty())));
            ws.sendText(V2Json.write(new Request.SendToRoom(room, "one", "c1", Optional.empty()))); // a retry
            ws.sendText(V2Json.write(new Request.SendToRoom(run + "-elsewhere", "two", "c2", Optional.empty())));
            // welcome, joined, presence, message, ack, ack (dup), error: wait for the error, which comes last
            while (!ws.read().text().contains("\"not_joined\"")) {
                // the rest is as V2ChatIT checks it
            }
            String during = scrape(metrics);
            assertEquals(5, delta(before, during, "parley_messages_received_total", ""), "frames admitted");
            assertEquals(1, delta(before, during, "parley_sends_deduplicated_total", ""), "the retry");
            assertEquals(1, delta(before, during, "parley_errors_total", "code=\"not_joined\""), "the refused send");
            assertTrue(delta(before, during, "parley_messages_delivered_total", "") >= 1, "the message, to its sender");
            assertTrue(sample(during, "parley_connections", "endpoint=\"chat\",protocol=\"v2\"") >= 1, during);
            assertTrue(sample(during, "parley_users", "") >= 1);
            assertTrue(sample(during, "parley_rooms", "") >= 1);
            assertTrue(sample(during, "parley_delivery_latency_seconds_count", "") >= 1, "delivery latency recorded");
        }
    }

    private static double delta(String before, String after, String name, String labels) {
        return sample(after, name, labels) - sample(before, name, labels);
    }

    /**
     * Issue #15: on Payara, Tyrus's per-message idle checks go to Parley's plain scheduler, not the container's
     * managed one (whose every task scans the class path). Each echo schedules two: one as the message is
     * received, one as the answer is sent. WildFly's sessions are not Tyrus's, and nothing is swapped there.
     */
    @Test
    void onPayaraTyrusSchedulesItsIdleChecksOnParleysScheduler() throws Exception {
        URI metrics = Deployments.http(base, "api/metrics");
        String before = scrape(metrics);
        int echoes = 100;
        try (RawWebSocket ws = RawWebSocket.open(Deployments.ws(base, "echo"))) {
            for (int i = 0; i < echoes; i++) {
                ws.sendText(run + i);
                assertEquals("Echo: " + run + i, ws.read().text());
            }
        }
        String after = scrape(metrics);
        if (Deployments.onPayara()) {
            assertTrue(delta(before, after, "parley_tyrus_idle_schedules_total", "") >= 2 * echoes, after);
        } else {
            assertFalse(after.contains("parley_tyrus_idle"), "no Tyrus on WildFly");
        }
    }

    @Test
    void healthAnswersWithEachCheckNamed() throws Exception {
        for (String path : new String[] {"api/health/live", "api/health/ready"}) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(Deployments.http(base, path)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            assertTrue(response.body().startsWith("{\"status\":\"UP\",\"checks\":[{\"name\":"), response.body());
        }
    }

    /**
     * Where the server offers MicroProfile Health (Payara, at the server's {@code /health}), the same checks
     * are registered there, as one check named {@code parley}.
     */
    @Test
    void onPayaraTheSameChecksAreInMicroProfileHealth() throws Exception {
        Assumptions.assumeTrue(Deployments.onPayara(), "WildFly as provisioned here has no MicroProfile Health");
        for (String path : new String[] {"/health/live", "/health/ready"}) {
            URI health = URI.create("http://" + base.getHost() + ":" + base.getPort() + path);
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(health).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            JsonObject parley = Json.createReader(new StringReader(response.body())).readObject()
                    .getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                    .filter(check -> check.getString("name").equals("parley")).findFirst()
                    .orElseThrow(() -> new AssertionError(path + " has no parley check: " + response.body()));
            assertEquals("UP", parley.getString("status"), response.body());
            assertEquals(path.endsWith("live") ? "application" : "chat",
                    parley.getJsonObject("data").keySet().iterator().next(), response.body());
        }
    }
}
