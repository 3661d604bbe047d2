package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many senders and receivers at once, and one receiver that stops reading. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FanOutIT {

    /**
     * Connections cut off for not reading, as counted in {@code scrape}: as slow consumers, or, when the
     * keepalive's timeout comes before the outbox's stall (the test server's is 5 s), as not answering.
     */
    private static double cutOffs(String scrape) {
        return MetricsIT.sample(scrape, "parley_closes_total", "reason=\"slow_consumer\"")
                + MetricsIT.sample(scrape, "parley_closes_total", "reason=\"no_answer\"");
    }

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    private URI chat() {
        return Deployments.ws(base, "chat");
    }

    @Test
    void twentyConcurrentSendersReachEveryoneInOrderExactlyOnce() throws Exception {
        int senders = 20;
        int perSender = 1_000;
        List<ChatUser> users = join("c", senders);
        try {
            verifyBurst(users, users, perSender, "", List.of());
        } finally {
            users.forEach(ChatUser::close);
        }
    }

    /**
     * On Payara this holds because Parley starts Tyrus's writes on its own executor: Tyrus's "asynchronous"
     * send blocks, and on a sender's thread it would stall every fan-out there (README, "Known
     * differences between the servers").
     */
    @Test
    void aReceiverThatStopsReadingIsCutOffAndTheOthersGetEverything() throws Exception {
        int receivers = 50;
        int senders = 10;
        int perSender = 1_000;
        // big enough that 10,000 of them overflow the kernel's socket buffers and then the outbox bound
        String padding = "p".repeat(1_000);
        List<ChatUser> users = join("r", receivers);
        URI metrics = Deployments.http(base, "api/metrics");
        double cutOffBefore = cutOffs(MetricsIT.scrape(metrics));
        try (RawWebSocket slow = RawWebSocket.open(chat(), null, 4096)) {
            slow.sendText("{\"type\":\"register\",\"uuid\":\"slow\",\"content\":\"\"}");
            List<String> everyone = new ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                everyone.add("r" + i);
            }
            everyone.add("slow");
            for (ChatUser user : users) {
                user.expect(new Login("slow", "", everyone));
            }
            // from here on, the slow consumer never reads again
            verifyBurst(users, users.subList(0, senders), perSender, padding,
                    List.of(new Logout("slow", "", everyone.subList(0, receivers))));
            assertEquals(1, cutOffs(MetricsIT.scrape(metrics)) - cutOffBefore, "the cut-off counted (issue #13)");
        } finally {
            users.forEach(ChatUser::close);
        }
    }

    /**
     * Registers users {@code prefix0..n-1} and takes the logins each of them sees, once the users of an
     * earlier test are gone: the server learns of their closing asynchronously.
     */
    private List<ChatUser> join(String prefix, int count) throws Exception {
        new StatusPage(base).await(status -> status.getJsonArray("users").isEmpty());
        List<ChatUser> users = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ChatUser user = ChatUser.connect(chat());
            String name = prefix + i;
            user.register(name, "");
            names.add(name);
            users.add(user);
            Login login = new Login(name, "", names);
            for (ChatUser present : users) {
                present.expect(login);
            }
        }
        return users;
    }

    /**
     * Has every sender broadcast {@code perSender} messages at once, while every receiver reads on its
     * own thread, and checks that each receiver got each sender's messages exactly once and in order,
     * plus {@code alsoExpected} somewhere among them.
     */
    private static void verifyBurst(List<ChatUser> receivers, List<ChatUser> senders, int perSender, String padding,
            List<ServerEvent> alsoExpected) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(receivers.size() + senders.size());
        try {
            List<Future<?>> reading = new ArrayList<>();
            for (ChatUser receiver : receivers) {
                reading.add(threads.submit(() -> {
                    int[] next = new int[senders.size()];
                    List<ServerEvent> others = new ArrayList<>();
                    for (int received = 0; received < senders.size() * perSender; ) {
                        ServerEvent event = receiver.next();
                        if (event instanceof UserMessage message) {
                            int sender = Integer.parseInt(message.from().substring(1));
                            String expected = "m" + next[sender]++ + padding;
                            assertEquals(expected, message.content(), "from " + message.from());
                            received++;
                        } else {
                            others.add(event);
                        }
                    }
                    while (others.size() < alsoExpected.size()) {
                        others.add(receiver.next());
                    }
                    assertEquals(alsoExpected, others);
                    return null;
                }));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> sending = new ArrayList<>();
            for (ChatUser sender : senders) {
                sending.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < perSender; i++) {
                        sender.say("m" + i + padding);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : sending) {
                future.get(2, TimeUnit.MINUTES);
            }
            for (Future<?> future : reading) {
                future.get(2, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
