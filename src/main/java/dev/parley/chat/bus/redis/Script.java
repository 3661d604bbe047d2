package dev.parley.chat.bus.redis;

import dev.parley.ops.Meters;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One of the bus's Lua scripts, run by its SHA; a Redis that lost its script cache (a restart) is sent
 * the body once more, which caches it again. On a cluster each master has a cache of its own: Lettuce
 * routes EVALSHA, and the EVAL after its NOSCRIPT, by the first key, so each master is sent the body the
 * first time one of its slots runs the script. Every script's keys share one hash tag.
 */
final class Script {

    private final String name;
    private final String body;
    private final String sha;
    private final ScriptOutputType output;

    private Script(String name, String body, String sha, ScriptOutputType output) {
        this.name = name;
        this.body = body;
        this.sha = sha;
        this.output = output;
    }

    /**
     * The script {@code name}.lua with the shared functions of common.lua before it. Its SHA is computed
     * here rather than asked of Redis, so that nothing waits: the first run caches it.
     */
    static Script of(String name, ScriptOutputType output) {
        String body = resource("common.lua") + "\n" + resource(name + ".lua");
        return new Script(name, body, sha1(body), output);
    }

    /** Runs the script; timed, the resend of a lost cache included ({@code parley_redis_latency_seconds}). */
    <T> CompletionStage<T> run(RedisClusterAsyncCommands<String, String> redis, String[] keys, String... args) {
        long sent = System.nanoTime();
        CompletionStage<T> bySha = redis.evalsha(sha, output, keys, args);
        CompletionStage<T> answer = bySha.exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof RedisNoScriptException) {
                return redis.<T>eval(body, output, keys, args);
            }
            return CompletableFuture.failedStage(cause);
        });
        answer.whenComplete((result, failure) -> Meters.redisCall(name, failure == null, System.nanoTime() - sent));
        return answer;
    }

    private static String sha1(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    private static String resource(String file) {
        try (InputStream in = Script.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("script " + file + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
