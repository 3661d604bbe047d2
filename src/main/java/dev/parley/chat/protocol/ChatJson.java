package dev.parley.chat.protocol;

import dev.parley.chat.protocol.ClientMessage.Register;
import dev.parley.chat.protocol.ClientMessage.Send;
import dev.parley.chat.protocol.ClientMessage.Unregister;
import dev.parley.chat.protocol.ServerEvent.Handshake;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;

/**
 * The chat wire format, both directions, written with JSON-P. The server reads {@link ClientMessage}s
 * and writes {@link ServerEvent}s; a client does the opposite.
 */
public final class ChatJson {

    /** Longest uuid, in characters (code points). */
    public static final int MAX_UUID_LENGTH = 64;

    /**
     * Looked up once: every {@code Json.createXxx} call looks the provider up again, a service-loader scan
     * that cost more than the rest of a chat message (BENCHMARKS.md).
     */
    private static final JsonProvider JSON = JsonProvider.provider();

    private ChatJson() {
    }

    // ---- client -> server

    public static ClientMessage readClientMessage(String text) throws ProtocolException {
        JsonObject json = readObject(text);
        String type = requiredString(text, json, "type");
        return switch (type) {
            case "register" -> new Register(uuid(text, json), requiredString(text, json, "content"));
            case "send" -> new Send(requiredString(text, json, "content"), optionalString(text, json, "to"));
            case "unregister" -> new Unregister(uuid(text, json), requiredString(text, json, "content"));
            default -> throw new ProtocolException(text, ErrorCode.UNKNOWN_TYPE, "unknown message type");
        };
    }

    public static String write(ClientMessage message) {
        // Java 17 has no pattern switch: one instanceof per record of the sealed interface
        JsonObjectBuilder json = JSON.createObjectBuilder();
        if (message instanceof Register r) {
            json.add("type", "register").add("uuid", r.uuid()).add("content", r.content());
        } else if (message instanceof Send s) {
            json.add("type", "send").add("content", s.content());
            s.to().ifPresent(to -> json.add("to", to));
        } else if (message instanceof Unregister u) {
            json.add("type", "unregister").add("uuid", u.uuid()).add("content", u.content());
        }
        return json.build().toString();
    }

    // ---- server -> client

    public static String write(ServerEvent event) {
        JsonObjectBuilder json = JSON.createObjectBuilder();
        if (event instanceof Handshake) {
            json.add("type", "handshake");
        } else if (event instanceof Login l) {
            json.add("type", "login").add("uuid", l.uuid()).add("content", l.content())
                    .add("user_list", array(l.users()));
        } else if (event instanceof UserMessage m) {
            json.add("type", "user").add("content", m.content()).add("from", m.from());
            m.to().ifPresent(to -> json.add("to", to));
        } else if (event instanceof Logout l) {
            json.add("type", "logout").add("uuid", l.uuid()).add("content", l.content())
                    .add("user_list", array(l.users()));
        } else if (event instanceof ServerEvent.Error e) {
            json.add("type", "error").add("code", e.code().wireName()).add("reason", e.reason());
        }
        return json.build().toString();
    }

    public static ServerEvent readServerEvent(String text) throws ProtocolException {
        JsonObject json = readObject(text);
        String type = requiredString(text, json, "type");
        return switch (type) {
            case "handshake" -> new Handshake();
            case "login" -> new Login(requiredString(text, json, "uuid"), requiredString(text, json, "content"),
                    users(text, json));
            case "user" -> new UserMessage(requiredString(text, json, "content"), requiredString(text, json, "from"),
                    optionalString(text, json, "to"));
            case "logout" -> new Logout(requiredString(text, json, "uuid"), requiredString(text, json, "content"),
                    users(text, json));
            case "error" -> new ServerEvent.Error(errorCode(text, json), requiredString(text, json, "reason"));
            default -> throw new ProtocolException(text, ErrorCode.UNKNOWN_TYPE, "unknown event type");
        };
    }

    // ---- shared

    /** A uuid is 1 to {@value #MAX_UUID_LENGTH} characters with no control characters. */
    public static boolean isValidUuid(String uuid) {
        int length = uuid.codePointCount(0, uuid.length());
        return length >= 1 && length <= MAX_UUID_LENGTH && uuid.codePoints().noneMatch(Character::isISOControl);
    }

    private static JsonObject readObject(String text) throws ProtocolException {
        JsonValue value;
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            value = reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            throw new ProtocolException(text, ErrorCode.BAD_JSON, "not valid JSON");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new ProtocolException(text, ErrorCode.BAD_MESSAGE, "a message must be a JSON object");
        }
        return value.asJsonObject();
    }

    private static String uuid(String text, JsonObject json) throws ProtocolException {
        String uuid = requiredString(text, json, "uuid");
        if (!isValidUuid(uuid)) {
            throw new ProtocolException(text, ErrorCode.BAD_MESSAGE,
                    "uuid must be 1 to " + MAX_UUID_LENGTH + " characters with no control characters");
        }
        return uuid;
    }

    private static String requiredString(String text, JsonObject json, String field) throws ProtocolException {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw new ProtocolException(text, ErrorCode.BAD_MESSAGE, "field '" + field + "' is missing");
        }
        if (value.getValueType() != JsonValue.ValueType.STRING) {
            throw new ProtocolException(text, ErrorCode.BAD_MESSAGE, "field '" + field + "' must be a string");
        }
        return ((JsonString) value).getString();
    }

    /** A field that may be absent or null; present, it must be a string. */
    private static Optional<String> optionalString(String text, JsonObject json, String field)
            throws ProtocolException {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        return Optional.of(requiredString(text, json, field));
    }

    private static List<String> users(String text, JsonObject json) throws ProtocolException {
        JsonValue value = json.get("user_list");
        if (value == null || value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new ProtocolException(text, ErrorCode.BAD_MESSAGE, "field 'user_list' must be an array");
        }
        JsonArray array = value.asJsonArray();
        try {
            return array.getValuesAs(JsonString::getString);
        } catch (ClassCastException e) {
            throw new ProtocolException(text, ErrorCode.BAD_MESSAGE, "field 'user_list' must hold strings");
        }
    }

    private static ErrorCode errorCode(String text, JsonObject json) throws ProtocolException {
        String code = requiredString(text, json, "code");
        try {
            return ErrorCode.fromWire(code);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(text, ErrorCode.BAD_MESSAGE, "unknown error code");
        }
    }

    private static JsonArrayBuilder array(List<String> values) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        values.forEach(array::add);
        return array;
    }
}
