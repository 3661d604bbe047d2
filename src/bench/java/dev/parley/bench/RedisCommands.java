package dev.parley.bench;

import dev.parley.chat.bus.redis.RedisProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis's own account of its work, command by command ({@code INFO commandstats}: calls and microseconds,
 * those run inside scripts counted too), from a reset on: where the CPU that Redis spends per published
 * message goes.
 */
final class RedisCommands {

    /** {@code cmdstat_evalsha:calls=12,usec=340,usec_per_call=28.33,...} */
    private static final Pattern STAT = Pattern.compile("^cmdstat_([^:]+):calls=(\\d+),usec=(\\d+),");

    private RedisCommands() {
    }

    static void reset(RedisProcess redis) throws IOException {
        redis.command("CONFIG", "RESETSTAT");
    }

    /** One figure pair per command: {@code <command>_calls} and {@code <command>_usec}. */
    static Result since(String server, RedisProcess redis) throws IOException, InterruptedException {
        // the fixture's client reads one-line answers only: INFO's is many lines
        Process cli = new ProcessBuilder("redis-cli", "-u", redis.uri(), "INFO", "commandstats").redirectErrorStream(true)
                .start();
        String info = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!cli.waitFor(30, TimeUnit.SECONDS) || cli.exitValue() != 0) {
            throw new IOException("redis-cli INFO commandstats failed: " + info);
        }
        Result.Builder result = Result.of(server, "redis-commands");
        for (String line : info.split("\r?\n")) {
            Matcher stat = STAT.matcher(line);
            if (stat.find()) {
                result.figure(stat.group(1) + "_calls", Long.parseLong(stat.group(2)))
                        .figure(stat.group(1) + "_usec", Long.parseLong(stat.group(3)));
            }
        }
        return result.build();
    }
}
