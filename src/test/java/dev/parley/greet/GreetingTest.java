package dev.parley.greet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GreetingTest {

    @Test
    void refusesUntilHiThenAcknowledges() {
        Greeting greeting = new Greeting();
        assertEquals("connected fail", greeting.reply("hello"));
        assertEquals("connected fail", greeting.reply("hi"));
        assertEquals("success", greeting.reply("Hi"));
        assertEquals("success,get mess: Hi", greeting.reply("Hi"));
        assertEquals("success,get mess: text", greeting.reply("text"));
    }
}
