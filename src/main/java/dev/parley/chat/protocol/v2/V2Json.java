package dev.parley.chat.protocol.v2;

import static dev.parley.chat.protocol.ErrorCode.BAD_MESSAGE;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.v2.Event.Ack;
import dev.parley.chat.protocol.v2.Event.Joined;
import dev.parley.chat.protocol.v2.Event.Left;
import dev.parley.chat.protocol.v2.Event.Message;
import dev.parley.chat.protocol.v2.Event.Presence;
import dev.parley.chat.protocol.v2.Event.PresenceCount;
import dev.parley.chat.protocol.v2.Event.Resume;
import dev.parley.chat.protocol.v2.Event.Welcome;
import dev.parley.chat.protocol.v2.Request.Hello;
import dev.parley.chat.protocol.v2.Request.Join;
import dev.parley.chat.protocol.v2.Request.Leave;
import dev.parley.chat.protocol.v2.Request.SendToRoom;
import dev.parley.chat.protocol.v2.Request.SendToUser;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonValue.ValueType;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code parley.v2} wire format, both directions, with JSON-P. The server reads {@link Request}s and
 * writes {@link Event}s; a client does the opposite. Writing goes straight to a generator: no object tree
 * is built for a message that every member of a room receives.
 */
public final class V2Json {

    /** How many messages a {@code history} request without {@code limit} gets. */
    public static final int DEFAULT_HISTORY_LIMIT = 50;
    /** Longest epoch, in characters (code points). */
    public static final int MAX_EPOCH_LENGTH = 64;

    /** Looked up once, as in ChatJson: every {@code Json.createXxx} call scans the service loader again. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** The receipt service's format (Receipt.TIME): milliseconds and a numeric offset, never {@code Z}. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx");

    private V2Json() {
    }

    // ---- client -> server

    public static Request readRequest(String text) throws ProtocolException {
        JsonObject json = readObject(text);
        try {
            return request(new Fields(text, json));
        } catch (ProtocolException refused) {
            // whatever the fault, the error repeats them so that the client can tell which request failed
            throw refused.with(echoable(json, "ref"), echoable(json, "cid"));
        }
    }

    private static Request request(Fields in) throws ProtocolException {
        String type = in.string("type");
        Optional<String> ref = in.optionalName("ref");
        return switch (type) {
            case "hello" -> hello(in, ref);
            case "refresh" -> new Request.Refresh(in.string("token"), ref);
            case "join" -> new Join(in.room(), in.optionalPosition("since"), ref);
            case "leave" -> new Leave(in.room(), ref);
            case "send" -> send(in, ref);
            case "history" -> new Request.History(in.room(), in.optionalNumber("before", 1, Long.MAX_VALUE),
                    in.limit(DEFAULT_HISTORY_LIMIT, Request.MAX_HISTORY_LIMIT), ref);
            case "members" -> new Request.Members(in.room(), in.optionalName("after"),
                    in.limit(Request.MAX_MEMBERS_LIMIT, Request.MAX_MEMBERS_LIMIT), ref);
            default -> throw in.refuse(ErrorCode.UNKNOWN_TYPE, "unknown request type");
        };
    }

    private static Request hello(Fields in, Optional<String> ref) throws ProtocolException {
        if (in.names("user") && in.names("token")) {
            throw in.refuse(BAD_MESSAGE, "a hello has 'user' or 'token', not both");
        }
        if (in.names("user")) {
            return new Hello(in.name("user"), in.optionalPosition("inbox"), ref);
        }
        return in.names("token") ? new Request.TokenHello(in.string("token"), in.optionalPosition("inbox"), ref)
                : new Request.LoginHello(in.optionalPosition("inbox"), ref);
    }

    private static Request send(Fields in, Optional<String> ref) throws ProtocolException {
        boolean toRoom = in.has("room");
        if (toRoom == in.has("to")) {
            throw in.refuse(BAD_MESSAGE, "a send has exactly one of 'room' and 'to'");
        }
        return toRoom
                ? new SendToRoom(in.room(), in.string("text"), in.name("cid"), ref)
                : new SendToUser(in.name("to"), in.string("text"), in.name("cid"), ref);
    }

    public static String write(Request request) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            // Java 17 has no pattern switch: one instanceof per record of the sealed interface
            if (request instanceof Hello h) {
                json.write("type", "hello").write("user", h.user());
                h.inbox().ifPresent(inbox -> position(json, "inbox", inbox));
            } else if (request instanceof Request.TokenHello h) {
                json.write("type", "hello").write("token", h.token());
                h.inbox().ifPresent(inbox -> position(json, "inbox", inbox));
            } else if (request instanceof Request.LoginHello h) {
                json.write("type", "hello");
                h.inbox().ifPresent(inbox -> position(json, "inbox", inbox));
            } else if (request instanceof Request.Refresh r) {
                json.write("type", "refresh").write("token", r.token());
            } else if (request instanceof Join j) {
                json.write("type", "join").write("room", j.room());
                j.since().ifPresent(since -> position(json, "since", since));
            } else if (request instanceof Leave l) {
                json.write("type", "leave").write("room", l.room());
            } else if (request instanceof SendToRoom s) {
                json.write("type", "send").write("room", s.room()).write("text", s.text()).write("cid", s.cid());
            } else if (request instanceof SendToUser s) {
                json.write("type", "send").write("to", s.to()).write("text", s.text()).write("cid", s.cid());
            } else if (request instanceof Request.History h) {
                json.write("type", "history").write("room", h.room());
                h.before().ifPresent(before -> json.write("before", before));
                json.write("limit", h.limit());
            } else if (request instanceof Request.Members m) {
                json.write("type", "members").write("room", m.room());
                optional(json, "after", m.after());
                json.write("limit", m.limit());
            }
            optional(json, "ref", request.ref());
            json.writeEnd();
        }
        return out.toString();
    }

    // ---- server -> client

    public static String write(Event event) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            // Message first: it is by far the most frequent
            if (event instanceof Message m) {
                message(json, m);
            } else if (event instanceof Ack a) {
                json.write("type", "ack").write("cid", a.cid()).write("seq", a.seq()).write("dup", a.dup());
                requireOneDestination(a.room(), a.to());
                optional(json, "room", a.room());
                optional(json, "to", a.to());
                optional(json, "ref", a.ref());
            } else if (event instanceof Welcome w) {
                json.write("type", "welcome").write("user", w.user()).writeStartObject("inbox");
                resume(json, w.inbox());
                json.writeEnd();
                optional(json, "ref", w.ref());
            } else if (event instanceof Joined j) {
                json.write("type", "joined").write("room", j.room());
                resume(json, j.position());
                j.members().ifPresent(members -> strings(json, "members", members));
                json.write("count", j.count());
                optional(json, "ref", j.ref());
            } else if (event instanceof Left l) {
                json.write("type", "left").write("room", l.room());
                optional(json, "ref", l.ref());
            } else if (event instanceof Presence p) {
                json.write("type", "presence").write("room", p.room());
                strings(json, "joined", p.joined());
                strings(json, "left", p.left());
            } else if (event instanceof PresenceCount c) {
                json.write("type", "presence").write("room", c.room()).write("count", c.count());
            } else if (event instanceof Event.History h) {
                json.write("type", "history").write("room", h.room()).writeStartArray("messages");
                for (Message m : h.messages()) {
                    json.writeStartObject();
                    message(json, m);
                    json.writeEnd();
                }
                json.writeEnd().write("more", h.more());
                optional(json, "ref", h.ref());
            } else if (event instanceof Event.Members m) {
                json.write("type", "members").write("room", m.room());
                strings(json, "users", m.users());
                optional(json, "next", m.next());
                optional(json, "ref", m.ref());
            } else if (event instanceof Event.Refreshed r) {
                json.write("type", "refreshed").write("expires", TIME.format(r.expires().atOffset(ZoneOffset.UTC)));
                optional(json, "ref", r.ref());
            } else if (event instanceof Event.Error e) {
                json.write("type", "error").write("code", e.code().wireName()).write("reason", e.reason());
                optional(json, "ref", e.ref());
                optional(json, "cid", e.cid());
            }
            json.writeEnd();
        }
        return out.toString();
    }

    /** A message's fields, type included, into an object already started: alone or in a history. */
    private static void message(JsonGenerator json, Message m) {
        requireOneDestination(m.room(), m.to());
        json.write("type", "message");
        if (m.room().isPresent()) {
            json.write("room", m.room().get()).write("seq", m.seq()).write("epoch", m.epoch())
                    .write("from", m.from());
        } else {
            json.write("to", m.to().get()).write("from", m.from()).write("seq", m.seq())
                    .write("epoch", m.epoch());
        }
        json.write("text", m.text()).write("time", TIME.format(m.time().atOffset(ZoneOffset.UTC)));
        optional(json, "cid", m.cid());
    }

    private static void resume(JsonGenerator json, Resume resume) {
        json.write("epoch", resume.epoch()).write("seq", resume.seq()).write("recovered", resume.recovered())
                .write("missed", resume.missed());
    }

    public static Event readEvent(String text) throws ProtocolException {
        Fields in = new Fields(text, readObject(text));
        String type = in.string("type");
        return switch (type) {
            case "welcome" -> new Welcome(in.string("user"), resume(in.object("inbox")), in.optionalString("ref"));
            case "joined" -> new Joined(in.string("room"), resume(in), in.optionalStrings("members"),
                    in.count("count"), in.optionalString("ref"));
            case "left" -> new Left(in.string("room"), in.optionalString("ref"));
            case "message" -> message(in);
            case "ack" -> ack(in);
            case "presence" -> in.has("count")
                    ? new PresenceCount(in.string("room"), in.count("count"))
                    : new Presence(in.string("room"), in.strings("joined"), in.strings("left"));
            case "history" -> new Event.History(in.string("room"), messages(in), in.bool("more"),
                    in.optionalString("ref"));
            case "members" -> new Event.Members(in.string("room"), in.strings("users"), in.optionalString("next"),
                    in.optionalString("ref"));
            case "refreshed" -> new Event.Refreshed(in.time("expires"), in.optionalString("ref"));
            case "error" -> new Event.Error(in.errorCode(), in.string("reason"), in.optionalString("ref"),
                    in.optionalString("cid"));
            default -> throw in.refuse(ErrorCode.UNKNOWN_TYPE, "unknown event type");
        };
    }

    private static Message message(Fields in) throws ProtocolException {
        Optional<String> room = in.optionalString("room");
        Optional<String> to = in.optionalString("to");
        if (room.isPresent() == to.isPresent()) {
            throw in.refuse(BAD_MESSAGE, "a message has exactly one of 'room' and 'to'");
        }
        return new Message(room, to, in.string("from"), in.seq(), in.string("epoch"), in.string("text"),
                in.time("time"), in.optionalString("cid"));
    }

    private static Ack ack(Fields in) throws ProtocolException {
        Optional<String> room = in.optionalString("room");
        Optional<String> to = in.optionalString("to");
        if (room.isPresent() == to.isPresent()) {
            throw in.refuse(BAD_MESSAGE, "an ack has exactly one of 'room' and 'to'");
        }
        return new Ack(in.string("cid"), in.seq(), in.bool("dup"), room, to, in.optionalString("ref"));
    }

    private static List<Message> messages(Fields in) throws ProtocolException {
        JsonArray array = in.array("messages");
        List<Message> messages = new ArrayList<>(array.size());
        for (JsonValue element : array) {
            messages.add(message(in.element("messages", element)));
        }
        return messages;
    }

    private static Resume resume(Fields in) throws ProtocolException {
        return new Resume(in.string("epoch"), in.seq(), in.bool("recovered"), in.count("missed"));
    }

    // ---- shared

    private static JsonObject readObject(String text) throws ProtocolException {
        JsonValue value;
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            value = reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            throw new ProtocolException(text, ErrorCode.BAD_JSON, "not valid JSON");
        }
        if (value.getValueType() != ValueType.OBJECT) {
            throw new ProtocolException(text, BAD_MESSAGE, "a message must be a JSON object");
        }
        return value.asJsonObject();
    }

    /** A user, room, cid or ref: 1 to 64 characters (code points) with no control characters. */
    public static boolean isValidName(String name) {
        int length = name.codePointCount(0, name.length());
        return length >= 1 && length <= Request.MAX_NAME_LENGTH && name.codePoints().noneMatch(Character::isISOControl);
    }

    /** The field of a refused request that its error may repeat: only a valid name, else nothing. */
    private static Optional<String> echoable(JsonObject json, String field) {
        return json.get(field) instanceof JsonString s && isValidName(s.getString())
                ? Optional.of(s.getString())
                : Optional.empty();
    }

    /** An event with both destinations or neither is a bug in the engine, not something to put on the wire. */
    private static void requireOneDestination(Optional<String> room, Optional<String> to) {
        if (room.isPresent() == to.isPresent()) {
            throw new IllegalArgumentException("exactly one of room and to must be present");
        }
    }

    private static void position(JsonGenerator json, String field, Position position) {
        json.writeStartObject(field).write("epoch", position.epoch()).write("seq", position.seq()).writeEnd();
    }

    private static void strings(JsonGenerator json, String field, List<String> values) {
        json.writeStartArray(field);
        for (String value : values) {
            json.write(value);
        }
        json.writeEnd();
    }

    private static void optional(JsonGenerator json, String field, Optional<String> value) {
        if (value.isPresent()) {
            json.write(field, value.get());
        }
    }

    /** The fields of one JSON object, each read with the refusal its fault earns. */
    private record Fields(String text, JsonObject json) {

        ProtocolException refuse(ErrorCode code, String reason) {
            return new ProtocolException(text, code, reason);
        }

        /** Present and not null: a null optional field counts as absent, as in ChatJson. */
        boolean has(String field) {
            JsonValue value = json.get(field);
            return value != null && value.getValueType() != ValueType.NULL;
        }

        /** Whether the field is there at all, null included. */
        boolean names(String field) {
            return json.containsKey(field);
        }

        private JsonValue present(String field) throws ProtocolException {
            if (!has(field)) {
                throw refuse(BAD_MESSAGE, "field '" + field + "' is missing");
            }
            return json.get(field);
        }

        private JsonValue required(String field, ValueType type, String what) throws ProtocolException {
            JsonValue value = present(field);
            if (value.getValueType() != type) {
                throw refuse(BAD_MESSAGE, "field '" + field + "' must be " + what);
            }
            return value;
        }

        String string(String field) throws ProtocolException {
            return ((JsonString) required(field, ValueType.STRING, "a string")).getString();
        }

        Optional<String> optionalString(String field) throws ProtocolException {
            return has(field) ? Optional.of(string(field)) : Optional.empty();
        }

        String name(String field) throws ProtocolException {
            return validName(field, BAD_MESSAGE);
        }

        Optional<String> optionalName(String field) throws ProtocolException {
            return has(field) ? Optional.of(name(field)) : Optional.empty();
        }

        /** A missing or non-string room is a malformed message; a string that cannot name a room is a bad room. */
        String room() throws ProtocolException {
            return validName("room", ErrorCode.BAD_ROOM);
        }

        private String validName(String field, ErrorCode code) throws ProtocolException {
            String name = string(field);
            if (!isValidName(name)) {
                throw refuse(code, "field '" + field + "' must be 1 to " + Request.MAX_NAME_LENGTH
                        + " characters with no control characters");
            }
            return name;
        }

        /** A JSON integer from min to max: 1.0, 1e2, a string or a number beyond a long are refused. */
        long number(String field, long min, long max) throws ProtocolException {
            JsonNumber number = (JsonNumber) required(field, ValueType.NUMBER, "a number");
            if (number.isIntegral()) {
                try {
                    long value = number.longValueExact();
                    if (value >= min && value <= max) {
                        return value;
                    }
                } catch (ArithmeticException beyondALong) {
                    // refused below, as any other out-of-range number
                }
            }
            throw refuse(BAD_MESSAGE, "field '" + field + "' must be a whole number "
                    + (max == Long.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max));
        }

        OptionalLong optionalNumber(String field, long min, long max) throws ProtocolException {
            return has(field) ? OptionalLong.of(number(field, min, max)) : OptionalLong.empty();
        }

        int limit(int defaultLimit, int max) throws ProtocolException {
            return has("limit") ? (int) number("limit", 1, max) : defaultLimit;
        }

        long seq() throws ProtocolException {
            return number("seq", 0, Long.MAX_VALUE);
        }

        int count(String field) throws ProtocolException {
            return (int) number(field, 0, Integer.MAX_VALUE);
        }

        boolean bool(String field) throws ProtocolException {
            ValueType type = present(field).getValueType();
            if (type != ValueType.TRUE && type != ValueType.FALSE) {
                throw refuse(BAD_MESSAGE, "field '" + field + "' must be true or false");
            }
            return type == ValueType.TRUE;
        }

        Fields object(String field) throws ProtocolException {
            return new Fields(text, required(field, ValueType.OBJECT, "an object").asJsonObject());
        }

        Fields element(String field, JsonValue element) throws ProtocolException {
            if (element.getValueType() != ValueType.OBJECT) {
                throw refuse(BAD_MESSAGE, "field '" + field + "' must hold objects");
            }
            return new Fields(text, element.asJsonObject());
        }

        JsonArray array(String field) throws ProtocolException {
            return required(field, ValueType.ARRAY, "an array").asJsonArray();
        }

        List<String> strings(String field) throws ProtocolException {
            JsonArray array = array(field);
            List<String> strings = new ArrayList<>(array.size());
            for (JsonValue element : array) {
                if (!(element instanceof JsonString s)) {
                    throw refuse(BAD_MESSAGE, "field '" + field + "' must hold strings");
                }
                strings.add(s.getString());
            }
            return strings;
        }

        Optional<List<String>> optionalStrings(String field) throws ProtocolException {
            return has(field) ? Optional.of(strings(field)) : Optional.empty();
        }

        Optional<Position> optionalPosition(String field) throws ProtocolException {
            if (!has(field)) {
                return Optional.empty();
            }
            Fields position = object(field);
            String epoch = position.string("epoch");
            int length = epoch.codePointCount(0, epoch.length());
            if (length < 1 || length > MAX_EPOCH_LENGTH) {
                throw refuse(BAD_MESSAGE, "field 'epoch' must be 1 to " + MAX_EPOCH_LENGTH + " characters");
            }
            return Optional.of(new Position(epoch, position.seq()));
        }

        Instant time(String field) throws ProtocolException {
            try {
                return OffsetDateTime.parse(string(field)).toInstant();
            } catch (DateTimeParseException e) {
                throw refuse(BAD_MESSAGE, "field '" + field + "' must be an ISO-8601 time with an offset");
            }
        }

        ErrorCode errorCode() throws ProtocolException {
            try {
                return ErrorCode.fromWire(string("code"));
            } catch (IllegalArgumentException e) {
                throw refuse(BAD_MESSAGE, "unknown error code");
            }
        }
    }
}
