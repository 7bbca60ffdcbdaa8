package dev.requestreply;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.EchoApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A transactional responder killed with SIGKILL while it streams a reply: its transaction stays
 * open, and holds back the last stable offset of the reply partition it wrote to, so that a
 * {@code read_committed} requester reads nothing there, not even the committed replies of another
 * responder, until the broker aborts it: after the reply producers' transaction timeout
 * ({@code request-reply.handler.transaction-timeout}), at the broker's next check for timed out
 * transactions ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms}, 10 s by
 * default). A responder closed politely aborts its transactions at once, which is why this needs a
 * separate JVM killed outright.
 */
@Tag("slow")
class TransactionCrashTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration BROKER_CHECK_INTERVAL = Duration.ofSeconds(10);

	@RegisterExtension
	final ForkedApps forked = new ForkedApps();

	@Test
	void whenAResponderDiesWithAStreamHalfSentThenRepliesOnItsPartitionWaitForItsTransactionTimeout()
			throws Exception {
		String streamTopic = TestBroker.createTopic("txcrash-stream", 1);
		String echoTopic = TestBroker.createTopic("txcrash-echo", 1);
		String replyTopic = TestBroker.uniqueTopic("txcrash-replies");
		String prefix = TestBroker.uniqueTopic("txcrash-tx");
		// Requester (reading read_committed, as it uses transactions) and an echo responder in one app.
		ConfigurableApplicationContext app = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"test.topic=" + echoTopic, "request-reply.reply-topic=" + replyTopic,
				"request-reply.reply-topic-partitions=1",
				"request-reply.handler.group-id=" + TestBroker.uniqueTopic("txcrash-echo-group"),
				"spring.kafka.producer.transaction-id-prefix=" + prefix + "-echo-",
				"request-reply.handler.transaction-timeout=" + TRANSACTION_TIMEOUT.toMillis() + "ms");
		RequestReplyTemplate template = app.getBean(RequestReplyTemplate.class);
		ForkedJvm victim = this.forked.fork("streamer", "streamer", List.of("test.topic=" + streamTopic,
				"request-reply.handler.group-id=" + TestBroker.uniqueTopic("txcrash-stream-group"),
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("txcrash-streamer-replies"),
				"spring.kafka.producer.transaction-id-prefix=" + prefix + "-stream-",
				"request-reply.handler.transaction-timeout=" + TRANSACTION_TIMEOUT.toMillis() + "ms"));
		victim.await("ready", Duration.ofSeconds(90));
		long beforeStart = System.nanoTime();
		assertThat(template.request(echoTopic, "before", String.class).get(10, TimeUnit.SECONDS))
			.isEqualTo("echo:before");
		long beforeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beforeStart);
		TestSubscriber<Long> stream = TestSubscriber.subscribe(template.requestStream(streamTopic, "go", Long.class,
				Duration.ofSeconds(60), Duration.ofSeconds(90)), 1_000);
		// Elements written in the open transaction: on the partition, invisible to the requester.
		await().atMost(Duration.ofSeconds(30)).until(() -> TestBroker.readAll(replyTopic).size() >= 5);
		assertThat(stream.elements).isEmpty();
		victim.kill();
		long killed = System.nanoTime();
		String after = template.request(echoTopic, "after", String.class, Duration.ofSeconds(60))
			.get(60, TimeUnit.SECONDS);
		long stallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
		TestFigures.report("EXACTLY-ONCE responder killed with a stream's transaction open: another responder's "
				+ "committed reply on that partition read %d ms after the kill (%d ms before it; transaction timeout "
				+ "%d ms, broker check interval %d ms); stream elements read %d", stallMillis, beforeMillis,
				TRANSACTION_TIMEOUT.toMillis(), BROKER_CHECK_INTERVAL.toMillis(), stream.elements.size());
		assertThat(after).isEqualTo("echo:after");
		assertThat(stream.elements).isEmpty();
		// Held back by the open transaction, then freed by its timeout: not the milliseconds of before.
		assertThat(stallMillis).isGreaterThan(TRANSACTION_TIMEOUT.toMillis() / 2)
			.isLessThan(TRANSACTION_TIMEOUT.plus(BROKER_CHECK_INTERVAL).plusSeconds(10).toMillis());
	}

}
