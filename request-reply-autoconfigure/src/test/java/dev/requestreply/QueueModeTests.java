package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.Echo;
import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.TestResponders.RequesterApp;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Handlers in queue mode ({@code request-reply.handler.queue=true}): several responders share
 * one partition through a share group, each request acknowledged on its own.
 */
class QueueModeTests {

	private static final int CONSUMERS_PER_RESPONDER = 2;

	@RegisterExtension
	static final TestApps apps = new TestApps();

	static ConfigurableApplicationContext responder(TestApps apps, String bootstrapServers, String topic,
			String... more) {
		List<String> properties = new ArrayList<>(List.of("spring.application.name=queue-responders",
				"test.topic=" + topic, "request-reply.handler.queue=true",
				"request-reply.handler.queue-consumers=" + CONSUMERS_PER_RESPONDER,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("queue-own-replies")));
		properties.addAll(List.of(more));
		return apps.start(bootstrapServers, new Class<?>[] { EchoApp.class }, properties.toArray(String[]::new));
	}

	static RequestReplyTemplate requester(TestApps apps, String bootstrapServers) {
		return apps
			.start(bootstrapServers, new Class<?>[] { RequesterApp.class }, "spring.application.name=queue-requesters",
					"request-reply.reply-topic=" + TestBroker.uniqueTopic("queue-replies"),
					"request-reply.handler.enabled=false")
			.getBean(RequestReplyTemplate.class);
	}

	static String shareGroup(ConfigurableApplicationContext responder) {
		ReplyHandlerContainers containers = responder.getBean(ReplyHandlerContainers.class);
		return containers.shareGroupId(containers.getEndpoints().get(0));
	}

	static int members(String bootstrapServers, String group) {
		try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", bootstrapServers))) {
			ShareGroupDescription description = admin.describeShareGroups(List.of(group))
				.describedGroups()
				.get(group)
				.get(10, TimeUnit.SECONDS);
			// Members that have the partitions assigned, so that they fetch.
			return (int) description.members()
				.stream()
				.filter((member) -> !member.assignment().topicPartitions().isEmpty())
				.count();
		}
		catch (Exception ex) {
			return 0;
		}
	}

	@Test
	void whenThreeRespondersShareOnePartitionThenEachTakesItsPartAndTheOthersAnswerWhatAStoppedOneHeld()
			throws Exception {
		String servers = TestBroker.bootstrapServers();
		String topic = TestBroker.createTopic("queue-requests", 1);
		List<ConfigurableApplicationContext> responders = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			responders.add(responder(apps, servers, topic, "test.echo.max-delay-ms=20",
					"request-reply.handler.shutdown-timeout=0s"));
		}
		String group = shareGroup(responders.get(0));
		assertThat(group).isEqualTo("queue-responders." + topic + ".share");
		await().atMost(Duration.ofSeconds(30)).until(() -> members(servers, group) == 3 * CONSUMERS_PER_RESPONDER);
		RequestReplyTemplate template = requester(apps, servers);
		// A member counted as assigned may not fetch yet: warm up until each of the three has handled one.
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			template.request(topic, "warm-up", String.class, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
			return responders.stream().allMatch((responder) -> responder.getBean(Echo.class).gate.arrived() > 0);
		});
		List<Integer> before = responders.stream().map((responder) -> responder.getBean(Echo.class).gate.arrived())
			.toList();
		List<CompletableFuture<String>> futures = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			futures.add(template.request(topic, "q" + i, String.class, Duration.ofSeconds(30)));
		}
		for (int i = 0; i < 300; i++) {
			assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:q" + i);
		}
		List<Integer> handledByEach = new ArrayList<>();
		for (int i = 0; i < responders.size(); i++) {
			handledByEach.add(responders.get(i).getBean(Echo.class).gate.arrived() - before.get(i));
		}
		System.out.println("QueueModeTests: requests handled by each responder " + handledByEach);
		for (int handled : handledByEach) {
			assertThat(handled).as("requests handled by one of three responders").isGreaterThanOrEqualTo(30);
		}
		assertThat(handledByEach.stream().mapToInt(Integer::intValue).sum()).isEqualTo(300);

		// One of them stops while holding requests: the others answer them.
		Echo held = responders.get(0).getBean(Echo.class);
		held.gate.hold();
		List<CompletableFuture<String>> more = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			more.add(template.request(topic, "m" + i, String.class, Duration.ofSeconds(30)));
		}
		// The share group may hand a burst to the others alone: send more until the held one has some.
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			if (held.gate.waiting() > 0) {
				return true;
			}
			more.add(template.request(topic, "m" + more.size(), String.class, Duration.ofSeconds(30)));
			return false;
		});
		responders.get(0).close();
		held.gate.release();
		for (int i = 0; i < more.size(); i++) {
			assertThat(more.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:m" + i);
		}
		long redelivered = responders.subList(1, 3)
			.stream()
			.mapToLong((responder) -> stats(responder).redelivered())
			.sum();
		assertThat(redelivered).isPositive();
		assertThat(template.getRegistry().pendingCount()).isZero();
	}

	@Test
	void whenRequestSentBeforeAnyQueueResponderThenItIsAnsweredOnceOneStarts() throws Exception {
		String servers = TestBroker.bootstrapServers();
		String topic = TestBroker.createTopic("queue-early", 1);
		RequestReplyTemplate template = requester(apps, servers);
		CompletableFuture<String> early = template.request(topic, "early", String.class, Duration.ofSeconds(60));
		// Written before the share group exists.
		await().atMost(Duration.ofSeconds(10)).until(() -> TestBroker.readAll(topic).size() == 1);
		long started = System.nanoTime();
		responder(apps, servers, topic);
		assertThat(early.get(30, TimeUnit.SECONDS)).isEqualTo("echo:early");
		System.out.println("QueueModeTests: early request answered "
				+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms after its first responder started");
	}

	@Test
	void whenQueueModeWithTransactionsThenStartUpFailsSayingWhy() {
		String topic = TestBroker.createTopic("queue-tx", 1);
		assertThatException()
			.isThrownBy(() -> responder(apps, TestBroker.bootstrapServers(), topic,
					"spring.kafka.producer.transaction-id-prefix=queue-tx-"))
			.withStackTraceContaining("share groups have no transactional acknowledgement");
	}

	@Test
	void whenQueueModeForAHandlerNamingOrderingThenStartUpFailsSayingWhy() {
		String topic = TestBroker.createTopic("queue-ordered", 1);
		assertThatException()
			.isThrownBy(() -> apps.start(new Class<?>[] { TestResponders.PartitionOrderedApp.class },
					"test.topic=" + topic, "request-reply.handler.queue=true"))
			.withStackTraceContaining("names ordering = PARTITION, but share groups order nothing");
	}

	static ReplyHandlerStats stats(ConfigurableApplicationContext responder) {
		return responder.getBean(ReplyHandlerContainers.class).getStats().values().iterator().next();
	}

}
