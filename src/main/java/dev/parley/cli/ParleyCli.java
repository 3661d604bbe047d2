package dev.parley.cli;

import dev.parley.client.ParleyClientException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code java -jar parley-cli.jar <command> <url> ...}: Parley's services from a terminal or a script.
 * Exit status: 0 done, 1 the connection failed or the server closed it, 2 bad usage or URL.
 */
public final class ParleyCli {

    static final int OK = 0;
    static final int CONNECTION_FAILED = 1;
    static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage: java -jar parley-cli.jar <command> <url> [options]
              echo URL                 send each line of input to /echo, print each reply
              receipt URL              send each line of input to /receipt, print each receipt
              greet URL                the tutorial's greeting client: Hi/success, then 'input text: ' prompts; 'exit' quits
              chat URL --user NAME     chat as NAME (or --token JWT) on parley.v2, starting in the lobby: a line goes
                                       to the current room; '/join R', '/leave R', '/rooms', '/switch R',
                                       '/members', '/history [N]', '/to NAME text'; 'exit' leaves
              chat URL --v1 --user NAME
                                       the tutorial's chat: a line is broadcast, '/to NAME text' is private,
                                       '/users' lists who is online, 'exit' leaves
            URL is ws:// or wss://, e.g. ws://localhost:8080/parley/echo""";

    private ParleyCli() {
    }

    public static void main(String[] args) {
        int status = run(args, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                new PrintStream(System.out, true, StandardCharsets.UTF_8),
                new PrintStream(System.err, true, StandardCharsets.UTF_8));
        // the WebSocket client's threads would otherwise keep the JVM alive
        System.exit(status);
    }

    static int run(String[] args, BufferedReader in, PrintStream out, PrintStream err) {
        if (args.length < 2) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        URI uri;
        try {
            uri = webSocketUri(args[1]);
        } catch (IllegalArgumentException e) {
            err.println("parley: " + e.getMessage());
            return USAGE;
        }
        List<String> options = List.of(args).subList(2, args.length);
        try {
            return switch (args[0]) {
                case "echo", "receipt" -> new LineCommand(uri).run(in, out);
                case "greet" -> new GreetCommand(uri).run(in, out);
                case "chat" -> options.contains("--v1")
                        ? V1ChatCommand.fromOptions(uri, options.stream().filter(o -> !o.equals("--v1")).toList())
                                .run(in, out, err)
                        : ChatCommand.fromOptions(uri, options).run(in, out, err);
                default -> {
                    err.println("parley: unknown command '" + args[0] + "'\n" + USAGE_TEXT);
                    yield USAGE;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("parley: " + e.getMessage() + "\n" + USAGE_TEXT);
            return USAGE;
        } catch (ParleyClientException e) {
            err.println("parley: " + e.getMessage());
            return CONNECTION_FAILED;
        } catch (IOException e) {
            err.println("parley: cannot read input: " + e.getMessage());
            return CONNECTION_FAILED;
        }
    }

    static URI webSocketUri(String text) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: '" + text + "'");
        }
        if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("the URL must start with ws:// or wss://: '" + text + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the URL has no host: '" + text + "'");
        }
        return uri;
    }
}
