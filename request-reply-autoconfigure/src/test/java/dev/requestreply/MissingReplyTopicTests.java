package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests naming a reply topic that is allowed but does not exist, on a broker that creates no
 * topic by itself: the producer would wait {@code max.block.ms} for each, which 0.2 did on the
 * consumer thread (a hundred of them cost it its membership). Looked up with the admin client
 * (which answers at once that it does not exist) and remembered as missing, they hold up nothing
 * else.
 */
class MissingReplyTopicTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static EmbeddedKafkaKraftBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = TestBroker.start("test.missing.brokers", Map.of("auto.create.topics.enable", "false"));
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.destroy();
		}
	}

	@Test
	void whenRequestsNameAMissingReplyTopicThenOtherRequestsAreAnsweredMeanwhile() throws Exception {
		String topic = TestBroker.uniqueTopic("missing-requests");
		broker.addTopics(new NewTopic(topic, 1, (short) 1));
		ConfigurableApplicationContext context = apps.startAssigned(broker.getBrokersAsString(),
				new Class<?>[] { EchoApp.class }, "test.topic=" + topic,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("missing-own-replies"));
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		int lost = 100;
		KafkaTemplate<byte[], byte[]> raw = TestBroker.rawTemplate(broker.getBrokersAsString());
		try {
			for (int i = 0; i < lost; i++) {
				RecordHeaders headers = new RecordHeaders();
				headers.add(RequestReplyHeaders.CORRELATION_ID, CorrelationId.random().toBytes());
				headers.add(RequestReplyHeaders.REPLY_TOPIC, "nowhere-replies".getBytes(StandardCharsets.UTF_8));
				raw.send(new ProducerRecord<>(topic, null, (byte[]) null, ("lost" + i).getBytes(StandardCharsets.UTF_8),
						headers));
			}
			raw.flush();
		}
		finally {
			raw.getProducerFactory().reset();
		}
		long start = System.nanoTime();
		List<CompletableFuture<String>> answered = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			answered.add(template.request(topic, "kept" + i, String.class, Duration.ofSeconds(30)));
		}
		for (int i = 0; i < 10; i++) {
			assertThat(answered.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:kept" + i);
		}
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		ReplyHandlerStats stats = context.getBean(ReplyHandlerContainers.class).getStats().get("echo.echo");
		await().atMost(Duration.ofSeconds(30)).until(() -> stats.replyFailures() == lost);
		TestFigures.report("ENGINE %d requests naming a missing reply topic, then 10 others answered in %d ms "
				+ "(0.2: %d x max.block.ms of 5 s on the consumer thread)", lost, tookMillis, lost);
		// One lookup of the topic, answered at once; the rest are not looked up.
		assertThat(tookMillis).isLessThan(10_000);
	}

}
