package dev.requestreply;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * With {@code spring.kafka.producer.transaction-id-prefix}, handlers send each reply and commit
 * its request's offset in one transaction, and a failed transaction is tried again.
 */
class ExactlyOnceTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final String PREFIX = TestBroker.uniqueTopic("eo-tx") + "-";

	private static ConfigurableApplicationContext context;

	private static String topic;

	private static String asyncTopic;

	private static String group;

	private static RequestReplyTemplate template;

	private static Handlers handlers;

	@BeforeAll
	static void start() {
		topic = TestBroker.createTopic("eo-requests", 1);
		asyncTopic = TestBroker.createTopic("eo-async-requests", 1);
		group = TestBroker.uniqueTopic("eo-group");
		context = apps.startAssigned(new Class<?>[] { App.class }, "test.topic=" + topic,
				"test.async-topic=" + asyncTopic, "request-reply.handler.group-id=" + group,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("eo-replies"),
				"spring.kafka.producer.transaction-id-prefix=" + PREFIX);
		template = context.getBean(RequestReplyTemplate.class);
		handlers = context.getBean(Handlers.class);
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void whenTransactionIdPrefixIsSetThenTheReplyAndTheRequestsOffsetAreCommittedTogether() throws Exception {
		assertThat(template.request(topic, "a", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("echo:a");
		TopicPartition partition = new TopicPartition(topic, 0);
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
				TestBroker.bootstrapServers()))) {
			long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
				.all()
				.get(10, TimeUnit.SECONDS)
				.values()
				.stream()
				.mapToLong(ListOffsetsResultInfo::offset)
				.sum();
			Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group + "." + topic)
				.partitionsToOffsetAndMetadata()
				.get(10, TimeUnit.SECONDS);
			// Committed by the transaction, before the requester could read the reply.
			assertThat(committed.get(partition).offset()).isEqualTo(end);
		}
	}

	@Test
	void whenAHandlerReturnsAFutureThenItsReplyIsSentInTheTransaction() throws Exception {
		assertThat(template.request(asyncTopic, "b", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("later:b");
	}

	@Test
	void whenAHandlerFailsThenItsErrorReplyIsCommitted() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request(topic, "fail", String.class).get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RemoteHandlerException.class);
	}

	@Test
	void whenAReplyIsOverTheProducersMaxRequestSizeThenItAloneIsAnsweredResourceExhausted() throws Exception {
		// Keyless, on one partition: handled at once, their replies ready together.
		CompletableFuture<String> tooLarge = template.request(topic, "large", String.class, Duration.ofSeconds(8));
		CompletableFuture<String> beside = template.request(topic, "beside", String.class, Duration.ofSeconds(8));
		assertThat(beside.get(10, TimeUnit.SECONDS)).isEqualTo("echo:beside");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> tooLarge.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(RemoteHandlerException.class,
					(ex) -> assertThat(ex.getErrorCode()).isEqualTo(ReplyErrorCodes.RESOURCE_EXHAUSTED));
	}

	@Test
	void whenARequestIsCancelledThenItEndsAndItsPartitionIsCommittedPastIt() throws Exception {
		CompletableFuture<String> cancelled = template.request(asyncTopic, "hold", String.class,
				Duration.ofSeconds(30));
		CompletableFuture<String> held = handlers.held.poll(10, TimeUnit.SECONDS);
		assertThat(held).isNotNull();
		cancelled.cancel(true);
		await().atMost(Duration.ofSeconds(10)).until(held::isCancelled);
		// The next reply's transaction commits past the cancelled request and its cancel record.
		assertThat(template.request(asyncTopic, "c", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("later:c");
		try (TestGroupOffsets offsets = new TestGroupOffsets()) {
			offsets.awaitCommittedToEnd(group + "." + asyncTopic, asyncTopic, Duration.ofSeconds(10));
		}
		ReplyHandlerStats stats = context.getBean(ReplyHandlerContainers.class).getStats().get("handlers.later");
		assertThat(stats.cancelled()).isOne();
	}

	@Test
	void whenTheRepliesProducerIsFencedThenTheRequestIsTriedAgainAndAnsweredOnce() throws Exception {
		assertThat(template.request(topic, "before", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("echo:before");
		int callsBefore = handlers.calls.get();
		long duplicatesBefore = template.getRegistry().duplicateReplyCount();
		// Another producer with the transactional id of the handler's producer takes it over.
		try (KafkaProducer<byte[], byte[]> usurper = new KafkaProducer<>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
				ProducerConfig.TRANSACTIONAL_ID_CONFIG, PREFIX + "request-reply-0"), new ByteArraySerializer(),
				new ByteArraySerializer())) {
			usurper.initTransactions();
			assertThat(template.request(topic, "after", String.class, Duration.ofSeconds(30))
				.get(30, TimeUnit.SECONDS)).isEqualTo("echo:after");
		}
		ReplyHandlerStats stats = context.getBean(ReplyHandlerContainers.class).getStats().get("handlers.echo");
		int runs = handlers.calls.get() - callsBefore;
		TestFigures.report("EXACTLY-ONCE fenced producer: handler runs for one request %d, reply failures %d", runs,
				stats.replyFailures());
		// The reply's transaction is tried again with a new producer; the handler does not run again.
		assertThat(runs).as("handler runs").isEqualTo(1);
		assertThat(template.getRegistry().duplicateReplyCount()).isEqualTo(duplicatesBefore);
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

		final AtomicInteger calls = new AtomicInteger();

		@ReplyHandler(topics = "${test.topic}")
		String echo(String text) {
			this.calls.incrementAndGet();
			if (text.equals("fail")) {
				throw new IllegalArgumentException("failed on purpose");
			}
			if (text.equals("large")) {
				// Over the 1 MB max.request.size of the handlers' producer.
				return "x".repeat(2 * 1024 * 1024);
			}
			return "echo:" + text;
		}

		final BlockingQueue<CompletableFuture<String>> held = new LinkedBlockingQueue<>();

		@ReplyHandler(topics = "${test.async-topic}")
		CompletableFuture<String> later(String text) {
			if (text.equals("hold")) {
				CompletableFuture<String> result = new CompletableFuture<>();
				this.held.add(result);
				return result;
			}
			return CompletableFuture.supplyAsync(() -> "later:" + text,
					CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
		}

	}

}
