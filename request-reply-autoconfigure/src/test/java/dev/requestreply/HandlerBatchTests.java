package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler's consumer takes each poll in one pass and keeps fetching while replies are on their
 * way: polls are committed in order, whatever order their requests end in, and the requests in
 * hand are bounded.
 */
class HandlerBatchTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static ConfigurableApplicationContext context;

	private static RequestReplyTemplate template;

	private static Handlers handlers;

	private static Admin admin;

	@BeforeAll
	static void start() {
		context = apps.startAssigned(new Class<?>[] { App.class }, "spring.application.name=handler-batch",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("handler-batch-replies"),
				"test.topic.ordered=" + TestBroker.createTopic("ordered", 1),
				"test.topic.flood=" + TestBroker.createTopic("flood", 1));
		template = context.getBean(RequestReplyTemplate.class);
		handlers = context.getBean(Handlers.class);
		admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers()));
	}

	@AfterAll
	static void stop() {
		if (admin != null) {
			admin.close();
		}
		if (context != null) {
			context.close();
		}
	}

	private static String topic(String name) {
		return context.getEnvironment().getRequiredProperty("test.topic." + name);
	}

	@Test
	void whenALaterRequestIsAnsweredFirstThenItIsRepliedAtOnceButNotCommittedBeforeTheEarlierOne() throws Exception {
		CompletableFuture<String> held = template.request(topic("ordered"), "hold", String.class,
				Duration.ofSeconds(60));
		CompletableFuture<String> holding = handlers.held.poll(10, TimeUnit.SECONDS);
		assertThat(holding).isNotNull();
		List<CompletableFuture<String>> quick = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			quick.add(template.request(topic("ordered"), "quick-" + i, String.class, Duration.ofSeconds(60)));
		}
		// Later requests are answered while the first is in hand...
		for (int i = 0; i < 5; i++) {
			assertThat(quick.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("quick-" + i);
		}
		// ...but the group's offset does not pass the first until it is answered.
		TopicPartition partition = new TopicPartition(topic("ordered"), 0);
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
			.until(() -> committed("batch-ordered", partition) == 0);
		holding.complete("held");
		assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("held");
		await().atMost(Duration.ofSeconds(10)).until(() -> committed("batch-ordered", partition) == 6);
	}

	@Test
	void whenTooManyRequestsAreInHandThenTheConsumerStopsFetchingUntilHalfAreDone() throws Exception {
		int requests = 3_000;
		List<CompletableFuture<String>> futures = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			futures.add(template.request(topic("flood"), "f" + i, String.class, Duration.ofSeconds(120)));
		}
		// Past the limit of requests in hand, no more are fetched (at most one more poll's worth).
		await().atMost(Duration.ofSeconds(30)).until(() -> handlers.flooded.get() > 1_000);
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
			.until(() -> handlers.flooded.get() <= 1_500);
		TestFigures.report("handler batch: %d of %d requests taken in hand before the consumer paused",
				handlers.flooded.get(), requests);
		// Once they end, the consumer fetches again, and every request is answered.
		handlers.releaseFlood();
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		assertThat(handlers.flooded.get()).isEqualTo(requests);
	}

	private static long committed(String group, TopicPartition partition) throws Exception {
		OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group)
			.partitionsToOffsetAndMetadata()
			.get(10, TimeUnit.SECONDS)
			.get(partition);
		return (offset != null) ? offset.offset() : 0;
	}

	static class Handlers {

		final BlockingQueue<CompletableFuture<String>> held = new LinkedBlockingQueue<>();

		final AtomicInteger flooded = new AtomicInteger();

		private final BlockingQueue<CompletableFuture<String>> flood = new LinkedBlockingQueue<>();

		private volatile boolean floodReleased;

		@ReplyHandler(topics = "${test.topic.ordered}", groupId = "batch-ordered")
		CompletableFuture<String> ordered(String request) {
			if (!request.equals("hold")) {
				return CompletableFuture.completedFuture(request);
			}
			CompletableFuture<String> result = new CompletableFuture<>();
			this.held.add(result);
			return result;
		}

		// A future not completed counts against maxConcurrency: a limit above max-in-hand, so that
		// what stops the fetching is the requests in hand.
		@ReplyHandler(topics = "${test.topic.flood}", groupId = "batch-flood", maxConcurrency = "5000")
		CompletableFuture<String> flood(String request) {
			this.flooded.incrementAndGet();
			if (this.floodReleased) {
				return CompletableFuture.completedFuture(request);
			}
			CompletableFuture<String> result = new CompletableFuture<>();
			this.flood.add(result);
			if (this.floodReleased) {
				releaseFlood();
			}
			return result;
		}

		void releaseFlood() {
			this.floodReleased = true;
			CompletableFuture<String> next;
			while ((next = this.flood.poll()) != null) {
				next.complete("done");
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

}
