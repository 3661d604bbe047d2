package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ReceiptIT {

    /** The contract's form, e.g. 2026-11-25T17:03:12.345+00:00. */
    private static final Pattern RECEIPT = Pattern.compile(
            "Data received as \"(.*)\"\\. time: (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d)",
            Pattern.DOTALL);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    @Test
    void aNewConnectionPerMessageAsTheTutorialClientDoes() {
        for (int i = 0; i < 5; i++) {
            OffsetDateTime before = OffsetDateTime.now();
            try (WsClient client = WsClient.connect(Deployments.ws(base, "receipt"))) {
                client.send("Hello, I am PyPy.");
                assertReceipt("Hello, I am PyPy.", client.nextText(), before);
            }
        }
    }

    @Test
    void manyMessagesOnOneConnection() {
        try (WsClient client = WsClient.connect(Deployments.ws(base, "receipt"))) {
            for (int i = 0; i < 50; i++) {
                OffsetDateTime before = OffsetDateTime.now();
                client.send("message " + i + " with \"quotes\"");
                assertReceipt("message " + i + " with \"quotes\"", client.nextText(), before);
            }
        }
    }

    private static void assertReceipt(String data, String reply, OffsetDateTime before) {
        Matcher matcher = RECEIPT.matcher(reply);
        assertTrue(matcher.matches(), "not a receipt: " + reply);
        assertTrue(data.equals(matcher.group(1)), "receipt of the wrong data: " + reply);
        OffsetDateTime time = OffsetDateTime.parse(matcher.group(2), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        // same machine, same clock: the receipt time lies between sending and now (ms precision)
        assertFalse(time.isBefore(before.minus(Duration.ofMillis(1))), "receipt time before the send: " + reply);
        assertFalse(time.isAfter(OffsetDateTime.now()), "receipt time in the future: " + reply);
    }
}
