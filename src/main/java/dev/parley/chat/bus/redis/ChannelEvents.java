package dev.parley.chat.bus.redis;

import dev.parley.chat.bus.Stored;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;

/** How the scripts write events: as JSON on a stream's channel, and as fields of a log entry. */
final class ChannelEvents {

    /**
     * Looked up once, as in ChatJson: {@code Json.createReader} looks the provider up again on every call, a
     * service-loader scan that was half of what a node spent hearing a message (JFR, cluster fan-out).
     */
    private static final JsonProvider JSON = JsonProvider.provider();

    private ChannelEvents() {
    }

    /**
     * A channel message: {@code k} is "m" (a message), "j" (a join) or "l" (a leave); {@code e} is the
     * stream's epoch, {@code s} a message's seq and {@code v} a membership change's version.
     */
    static StreamDelivery.Event read(String json) {
        JsonObject event;
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            event = reader.readObject();
        }
        String kind = event.getString("k");
        if (!"m".equals(kind)) {
            return new StreamDelivery.Membership(event.getString("e"), event.getJsonNumber("v").longValueExact(),
                    "j".equals(kind), event.getString("u"), event.getString("c", ""));
        }
        Stored message = new Stored(event.getJsonNumber("s").longValueExact(), event.getJsonNumber("t").longValueExact(),
                event.getString("f"), optional(event, "o"), event.getString("x"), optional(event, "c"));
        return new StreamDelivery.Posted(event.getString("e"), message);
    }

    /** A log entry: its id is "{@code seq}-1", its fields t (time), f (from), x (text) and, if set, o (to) and c (cid). */
    static Stored stored(List<?> entry) {
        String id = (String) entry.get(0);
        List<?> fields = (List<?>) entry.get(1);
        long time = 0;
        String from = "";
        String text = "";
        Optional<String> to = Optional.empty();
        Optional<String> cid = Optional.empty();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            String value = (String) fields.get(i + 1);
            switch ((String) fields.get(i)) {
                case "t" -> time = Long.parseLong(value);
                case "f" -> from = value;
                case "x" -> text = value;
                case "o" -> to = Optional.of(value);
                case "c" -> cid = Optional.of(value);
                default -> {
                    // a field of a later version: not this one's business
                }
            }
        }
        return new Stored(Long.parseLong(id.substring(0, id.indexOf('-'))), time, from, to, text, cid);
    }

    private static Optional<String> optional(JsonObject event, String field) {
        return event.containsKey(field) ? Optional.of(event.getString(field)) : Optional.empty();
    }
}
