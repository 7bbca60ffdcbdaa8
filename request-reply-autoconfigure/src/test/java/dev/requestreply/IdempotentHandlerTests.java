package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request delivered twice to one instance: an {@code idempotent} handler answers the second
 * delivery from memory, any other handler runs again.
 */
class IdempotentHandlerTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static ConfigurableApplicationContext context;

	private static KafkaTemplate<byte[], byte[]> producer;

	private static String idempotentTopic;

	private static String plainTopic;

	@BeforeAll
	static void start() {
		idempotentTopic = TestBroker.createTopic("idem-requests", 1);
		plainTopic = TestBroker.createTopic("idem-plain-requests", 1);
		context = apps.startAssigned(new Class<?>[] { App.class }, "test.topic=" + idempotentTopic,
				"test.plain-topic=" + plainTopic, "request-reply.reply-topic=" + TestBroker.uniqueTopic("idem-own"));
		producer = TestBroker.rawTemplate(TestBroker.bootstrapServers());
	}

	@AfterAll
	static void stop() {
		if (producer != null) {
			producer.getProducerFactory().reset();
		}
		if (context != null) {
			context.close();
		}
	}

	@Test
	void whenAnIdempotentHandlerGetsARequestAgainThenItRepliesFromMemory() throws Exception {
		List<ConsumerRecord<byte[], byte[]>> replies = sendTwice(idempotentTopic);
		Handlers handlers = context.getBean(Handlers.class);
		assertThat(handlers.idempotentCalls.get()).isEqualTo(1);
		assertThat(replies).extracting((reply) -> new String(reply.value(), StandardCharsets.UTF_8))
			.containsExactly("1:x", "1:x");
		assertThat(stats("handlers.idempotent").replayed()).isEqualTo(1);
		assertThat(stats("handlers.idempotent").handled()).isEqualTo(1);
	}

	@Test
	void whenAHandlerIsNotIdempotentThenItRunsAgain() throws Exception {
		List<ConsumerRecord<byte[], byte[]>> replies = sendTwice(plainTopic);
		assertThat(replies).extracting((reply) -> new String(reply.value(), StandardCharsets.UTF_8))
			.containsExactly("1:x", "2:x");
		assertThat(stats("handlers.plain").replayed()).isZero();
		assertThat(stats("handlers.plain").handled()).isEqualTo(2);
	}

	private static List<ConsumerRecord<byte[], byte[]>> sendTwice(String topic) throws Exception {
		String replyTopic = TestBroker.createTopic("idem-replies", 1);
		RecordHeaders headers = new RecordHeaders();
		headers.add(RequestReplyHeaders.CORRELATION_ID, CorrelationId.random().toBytes());
		headers.add(RequestReplyHeaders.REPLY_TOPIC, replyTopic.getBytes(StandardCharsets.UTF_8));
		for (int i = 0; i < 2; i++) {
			producer.send(new ProducerRecord<>(topic, null, (byte[]) null, "x".getBytes(StandardCharsets.UTF_8), headers))
				.get(10, TimeUnit.SECONDS);
		}
		List<ConsumerRecord<byte[], byte[]>> replies = new ArrayList<>();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			replies.clear();
			replies.addAll(TestBroker.readAll(replyTopic));
			return replies.size() == 2;
		});
		return replies;
	}

	private static ReplyHandlerStats stats(String handler) {
		return context.getBean(ReplyHandlerContainers.class).getStats().get(handler);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

	static class Handlers {

		final AtomicInteger idempotentCalls = new AtomicInteger();

		final AtomicInteger plainCalls = new AtomicInteger();

		@ReplyHandler(topics = "${test.topic}", idempotent = true)
		String idempotent(String text) {
			return this.idempotentCalls.incrementAndGet() + ":" + text;
		}

		@ReplyHandler(topics = "${test.plain-topic}")
		String plain(String text) {
			return this.plainCalls.incrementAndGet() + ":" + text;
		}

	}

}
