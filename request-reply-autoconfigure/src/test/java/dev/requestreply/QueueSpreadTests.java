package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.requestreply.TestResponders.RequesterApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How queue responders share work: on a topic of one partition, which every share consumer of
 * every instance reads, a burst larger than one instance's threads is shared with the others at
 * once and steady load is split evenly; on several partitions the share assignor may give a
 * partition to one instance's consumers only, and start-up says so.
 */
@ExtendWith(OutputCaptureExtension.class)
class QueueSpreadTests {

	private static final int INSTANCES = 2;

	private static final int THREADS = 8;

	private static final int CONSUMERS = 4;

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@Test
	void whenAQueueHandlersTopicsHaveSeveralPartitionsThenStartUpWarnsNamingTheNumbersAndTheSetting(
			CapturedOutput output) {
		String topic = TestBroker.createTopic("queue-spread-warn", 4);
		apps.start(new Class<?>[] { WorkApp.class }, "spring.application.name=queue-spread-warn",
				"test.topic=" + topic, "request-reply.handler.queue=true", "request-reply.handler.queue-consumers=2",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("queue-spread-warn-own"));
		assertThat(output.getOut()).contains("Queue handler '")
			.contains("reads 4 partitions of [" + topic + "] with 2 share consumers per instance "
					+ "(request-reply.handler.queue-consumers)")
			.contains("group.share.session.timeout.ms, 45 s by default")
			.contains("each instance misses some partitions")
			.contains("Give a queue handler's topics one partition");
	}

	@Test
	void whenABurstExceedsOneInstanceOrLoadIsSteadyThenQueueRespondersOnOnePartitionShareIt() throws Exception {
		String servers = TestBroker.bootstrapServers();
		// One partition: the rule for queue handlers.
		String topic = TestBroker.createTopic("queue-spread", 1);
		List<Work> workers = new ArrayList<>();
		List<ConfigurableApplicationContext> responders = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			ConfigurableApplicationContext responder = apps.start(servers, new Class<?>[] { WorkApp.class },
					"spring.application.name=queue-spread", "test.topic=" + topic, "request-reply.handler.queue=true",
					"request-reply.handler.max-concurrency=" + THREADS,
					"request-reply.reply-topic=" + TestBroker.uniqueTopic("queue-spread-own"));
			responders.add(responder);
			workers.add(responder.getBean(Work.class));
			String group = QueueModeTests.shareGroup(responder);
			int instances = i + 1;
			// The instances start one after the other, as in a deploy.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> QueueModeTests.members(servers, group) >= instances * CONSUMERS);
		}
		RequestReplyTemplate template = QueueModeTests.requester(apps, servers);
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			template.request(topic, "0", String.class, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
			return workers.stream().allMatch((work) -> work.handled.get() > 0);
		});

		// A burst of 1.5 s jobs larger than one instance's threads: each starts before any ended (with
		// 400 ms jobs a full suite's load once started the last 26 ms after the first ended).
		workers.forEach(Work::reset);
		int burst = THREADS + 4;
		List<CompletableFuture<String>> burstReplies = new ArrayList<>();
		for (int i = 0; i < burst; i++) {
			burstReplies.add(template.request(topic, "1500", String.class, Duration.ofSeconds(30)));
		}
		for (CompletableFuture<String> reply : burstReplies) {
			assertThat(reply.get(30, TimeUnit.SECONDS)).isEqualTo("done");
		}
		List<Integer> burstSplit = workers.stream().map((work) -> work.handled.get()).toList();
		long firstEnd = workers.stream().mapToLong((work) -> work.firstEnd.get()).min().orElseThrow();
		long lastStart = workers.stream().mapToLong((work) -> work.lastStart.get()).max().orElseThrow();
		System.out.println("QueueSpreadTests: burst of " + burst + " split " + burstSplit + ", last start "
				+ TimeUnit.NANOSECONDS.toMillis(lastStart - firstEnd) + " ms after the first end");
		assertThat(lastStart).as("the last of the burst to start, against the first to end (nanoTime); split "
				+ burstSplit).isLessThan(firstEnd);

		// Steady load, well below the instances' threads: an even split within 30 %.
		workers.forEach(Work::reset);
		int steady = 120;
		List<CompletableFuture<String>> steadyReplies = new ArrayList<>();
		long interval = TimeUnit.MILLISECONDS.toNanos(25);
		long next = System.nanoTime();
		for (int i = 0; i < steady; i++) {
			long wait = next - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			next += interval;
			steadyReplies.add(template.request(topic, "100", String.class, Duration.ofSeconds(30)));
		}
		for (CompletableFuture<String> reply : steadyReplies) {
			assertThat(reply.get(30, TimeUnit.SECONDS)).isEqualTo("done");
		}
		List<Integer> steadySplit = workers.stream().map((work) -> work.handled.get()).toList();
		System.out.println("QueueSpreadTests: steady load of " + steady + " split " + steadySplit);
		double even = (double) steady / INSTANCES;
		assertThat(steadySplit).as("requests handled by each instance, an even share being %.0f", even)
			.allSatisfy((handled) -> assertThat(handled).isBetween((int) Math.floor(even * 0.7),
					(int) Math.ceil(even * 1.3)));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WorkApp {

		@Bean
		Work work() {
			return new Work();
		}

	}

	/**
	 * Works for as many milliseconds as the request says, noting when calls start and end.
	 */
	static class Work {

		final AtomicInteger handled = new AtomicInteger();

		final AtomicLong lastStart = new AtomicLong(Long.MIN_VALUE);

		final AtomicLong firstEnd = new AtomicLong(Long.MAX_VALUE);

		void reset() {
			this.handled.set(0);
			this.lastStart.set(Long.MIN_VALUE);
			this.firstEnd.set(Long.MAX_VALUE);
		}

		@ReplyHandler(topics = "${test.topic}")
		String work(String millis) throws InterruptedException {
			this.handled.incrementAndGet();
			this.lastStart.accumulateAndGet(System.nanoTime(), Math::max);
			// The request's work, standing in for a call that takes this long.
			Thread.sleep(Long.parseLong(millis));
			this.firstEnd.accumulateAndGet(System.nanoTime(), Math::min);
			return "done";
		}

	}

}
