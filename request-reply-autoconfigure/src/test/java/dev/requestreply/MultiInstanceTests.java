package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.Echo;
import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.TestResponders.RequesterApp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Several requester and responder instances sharing topics on one broker.
 */
class MultiInstanceTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private ConfigurableApplicationContext requester(String replyTopic, String... more) {
		List<String> properties = new ArrayList<>(List.of("spring.application.name=requesters",
				"request-reply.reply-topic=" + replyTopic, "request-reply.handler.enabled=false"));
		properties.addAll(List.of(more));
		ConfigurableApplicationContext context = apps.start(new Class<?>[] { RequesterApp.class },
				properties.toArray(String[]::new));
		return context;
	}

	private ConfigurableApplicationContext responder(String topic) {
		ConfigurableApplicationContext context = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"spring.application.name=responders", "test.topic=" + topic,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("responder-own-replies"));
		return context;
	}

	@Test
	void whenThreeRequestersShareReplyTopicThenEachGetsOnlyItsOwnReplies() throws Exception {
		String topic = TestBroker.createTopic("shared-requests", 3);
		String replyTopic = TestBroker.uniqueTopic("shared-replies");
		responder(topic);
		List<RequestReplyTemplate> templates = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			templates.add(requester(replyTopic, "request-reply.reply-topic-partitions=2", "request-reply.reply-partitions=all")
				.getBean(RequestReplyTemplate.class));
		}
		List<List<CompletableFuture<String>>> futures = new ArrayList<>();
		for (int r = 0; r < 3; r++) {
			List<CompletableFuture<String>> own = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				own.add(templates.get(r).request(topic, "r" + r + "-" + i, String.class, Duration.ofSeconds(30)));
			}
			futures.add(own);
		}
		for (int r = 0; r < 3; r++) {
			for (int i = 0; i < 100; i++) {
				assertThat(futures.get(r).get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:r" + r + "-" + i);
			}
		}
		for (RequestReplyTemplate template : templates) {
			await().atMost(Duration.ofSeconds(10)).until(() -> template.getRegistry().foreignReplyCount() == 200);
			assertThat(template.getRegistry().completedCount()).isEqualTo(100);
			assertThat(template.getRegistry().duplicateReplyCount()).isZero();
			assertThat(template.getRegistry().lateReplyCount()).isZero();
			assertThat(template.getRegistry().pendingCount()).isZero();
		}
	}

	@Test
	void whenTwoRespondersShareTopicThenEachRequestIsHandledOnce() throws Exception {
		String topic = TestBroker.createTopic("split-requests", 4);
		ConfigurableApplicationContext first = responder(topic);
		ConfigurableApplicationContext second = responder(topic);
		await().atMost(Duration.ofSeconds(30)).until(() -> TestApps.assignedPartitions(first) + TestApps.assignedPartitions(second) == 4
				&& TestApps.assignedPartitions(first) > 0 && TestApps.assignedPartitions(second) > 0);
		RequestReplyTemplate template = requester(TestBroker.uniqueTopic("split-replies"))
			.getBean(RequestReplyTemplate.class);
		List<CompletableFuture<String>> futures = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			futures.add(template.request(new ProducerRecord<>(topic, "key-" + i, "p" + i), String.class,
					Duration.ofSeconds(30)));
		}
		for (int i = 0; i < 200; i++) {
			assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:p" + i);
		}
		int handledByFirst = first.getBean(Echo.class).gate.arrived();
		int handledBySecond = second.getBean(Echo.class).gate.arrived();
		assertThat(handledByFirst + handledBySecond).isEqualTo(200);
		assertThat(handledByFirst).isPositive();
		assertThat(handledBySecond).isPositive();
	}

	@Test
	void whenRequestSentBeforeAnyResponderThenItIsAnsweredOnceOneStarts() throws Exception {
		String topic = TestBroker.uniqueTopic("early-requests");
		RequestReplyTemplate template = requester(TestBroker.uniqueTopic("early-replies"))
			.getBean(RequestReplyTemplate.class);
		CompletableFuture<String> early = template.request(topic, "early", String.class, Duration.ofSeconds(60));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> topicExists(topic));
		assertThat(early).isNotDone();
		responder(topic);
		assertThat(early.get(30, TimeUnit.SECONDS)).isEqualTo("echo:early");
	}

	private static boolean topicExists(String topic) {
		return TestBroker.get().doWithAdminFunction((admin) -> {
			try {
				return admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic);
			}
			catch (Exception ex) {
				return false;
			}
		});
	}

	@Test
	void whenStoppedWithPendingRequestsThenTheirFuturesFail() throws Exception {
		ConfigurableApplicationContext context = requester(TestBroker.uniqueTopic("stop-replies"));
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		String nobodyListens = TestBroker.uniqueTopic("unanswered");
		List<CompletableFuture<String>> futures = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			futures.add(template.request(nobodyListens, "q" + i, String.class, Duration.ofMinutes(5)));
		}
		context.close();
		for (CompletableFuture<String> future : futures) {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(RequestReplyException.class)
				.withMessageContaining("stopped");
		}
		assertThat(template.getRegistry().pendingCount()).isZero();
		assertThat(template.request(nobodyListens, "late", String.class)).isCompletedExceptionally();
	}

	@Test
	void whenStoppedWithDrainTimeoutThenPendingRepliesStillArrive() throws Exception {
		String topic = TestBroker.uniqueTopic("drain-requests");
		ConfigurableApplicationContext responder = responder(topic);
		Echo echo = responder.getBean(Echo.class);
		echo.gate.hold();
		ConfigurableApplicationContext requester = requester(TestBroker.uniqueTopic("drain-replies"),
				"request-reply.drain-timeout=20s");
		RequestReplyTemplate template = requester.getBean(RequestReplyTemplate.class);
		CompletableFuture<String> pending = template.request(topic, "drained", String.class, Duration.ofSeconds(30));
		echo.gate.awaitWaiting(1);
		CompletableFuture<Void> closing = CompletableFuture.runAsync(requester::close);
		await().atMost(Duration.ofSeconds(10)).until(() -> !template.isAccepting());
		assertThat(pending).isNotDone();
		echo.gate.release();
		assertThat(pending.get(30, TimeUnit.SECONDS)).isEqualTo("echo:drained");
		closing.get(30, TimeUnit.SECONDS);
	}

}
