package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** {@code GET /parley/api/status}, as the tests read it. */
final class StatusPage {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final HttpRequest request;

    StatusPage(URL base) {
        request = HttpRequest.newBuilder(Deployments.http(base, "api/status")).timeout(Duration.ofSeconds(10)).build();
    }

    /** The status now; it must be a 200 with a JSON body. */
    JsonObject read() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        return json(response.body());
    }

    /**
     * The status once {@code condition} holds: closing is asynchronous on the server, so the registry
     * catches up a moment later. Fails, showing the last status read, if it does not within
     * {@link WsClient#TIMEOUT}.
     */
    JsonObject await(Predicate<JsonObject> condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
        JsonObject status = read();
        while (!condition.test(status)) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("the status did not reach the awaited state within " + WsClient.TIMEOUT
                        + "; last: " + status);
            }
            Thread.sleep(50);
            status = read();
        }
        return status;
    }

    static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
