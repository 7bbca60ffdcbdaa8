package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code ordering = KEY} costs a handler whose work is mixed: a short request waits behind a
 * long one of its key (head-of-line blocking), where {@code NONE} runs it at once. The same keyed
 * load goes to two handlers that differ only in their ordering; docs/ordering.md quotes the
 * figures (lines {@code ORDERING} of {@code target/test-figures.txt}).
 */
class OrderingCostTests {

	// 100 requests a second to each handler for 2 s, over 8 keys, one in ten taking 200 ms.
	static final int REQUESTS = 200;

	static final Duration INTERVAL = Duration.ofMillis(10);

	static final int KEYS = 8;

	static final int LONG_MILLIS = 200;

	static final int SHORT_MILLIS = 5;

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@Test
	void whenShortAndLongRequestsShareKeysThenKeyOrderingDelaysShortOnesBehindLongOnesAndNoneDoesNot()
			throws Exception {
		String keyed = TestBroker.createTopic("ordering-key", 1);
		String unordered = TestBroker.createTopic("ordering-none", 1);
		ConfigurableApplicationContext context = apps.startAssigned(new Class<?>[] { App.class },
				"spring.application.name=ordering-cost", "test.topic.key=" + keyed, "test.topic.none=" + unordered,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("ordering-replies"));
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		// Warm up (connections, the JIT, the handlers' threads) before anything is measured.
		List<CompletableFuture<Integer>> warmUp = new ArrayList<>();
		for (int i = 0; i < 2 * KEYS; i++) {
			byte[] key = ("customer-" + (i % KEYS)).getBytes(StandardCharsets.UTF_8);
			warmUp.add(template.request(new ProducerRecord<>(keyed, key, 1), Integer.class, Duration.ofSeconds(30)));
			warmUp.add(template.request(new ProducerRecord<>(unordered, key, 1), Integer.class, Duration.ofSeconds(30)));
		}
		CompletableFuture.allOf(warmUp.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		Queue<Long> keyShort = new ConcurrentLinkedQueue<>();
		Queue<Long> noneShort = new ConcurrentLinkedQueue<>();
		CountDownLatch ended = new CountDownLatch(2 * REQUESTS);
		AtomicInteger sequence = new AtomicInteger();
		ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
		try {
			sender.scheduleAtFixedRate(() -> {
				int i = sequence.getAndIncrement();
				if (i >= REQUESTS) {
					return;
				}
				byte[] key = ("customer-" + (i % KEYS)).getBytes(StandardCharsets.UTF_8);
				int millis = (i % 10 == 0) ? LONG_MILLIS : SHORT_MILLIS;
				send(template, keyed, key, millis, (millis == SHORT_MILLIS) ? keyShort : null, ended);
				send(template, unordered, key, millis, (millis == SHORT_MILLIS) ? noneShort : null, ended);
			}, 0, INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
			assertThat(ended.await(60, TimeUnit.SECONDS)).as("every request ended").isTrue();
		}
		finally {
			sender.shutdownNow();
		}
		List<Long> key = sorted(keyShort);
		List<Long> none = sorted(noneShort);
		assertThat(key).hasSize(REQUESTS * 9 / 10);
		assertThat(none).hasSize(REQUESTS * 9 / 10);
		TestFigures.report("ORDERING %d requests at %d/s over %d keys, 1 in 10 of %d ms, the others %d ms: "
				+ "short requests' round trip p50/p90/p99/max KEY %s ms, NONE %s ms", REQUESTS,
				1000 / INTERVAL.toMillis(), KEYS, LONG_MILLIS, SHORT_MILLIS, percentiles(key), percentiles(none));
		// A short request sent just after a long one of its key waits for most of it.
		assertThat(percentile(key, 99)).isGreaterThanOrEqualTo(LONG_MILLIS / 2);
		assertThat(percentile(none, 99)).isLessThan(percentile(key, 99));
	}

	private static void send(RequestReplyTemplate template, String topic, byte[] key, int millis,
			Queue<Long> shortRoundTrips, CountDownLatch ended) {
		long start = System.nanoTime();
		CompletableFuture<Integer> reply = template.request(new ProducerRecord<>(topic, key, millis), Integer.class,
				Duration.ofSeconds(30));
		reply.whenComplete((value, failure) -> {
			if (failure == null && shortRoundTrips != null) {
				shortRoundTrips.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
			}
			ended.countDown();
		});
	}

	private static List<Long> sorted(Queue<Long> values) {
		List<Long> list = new ArrayList<>(values);
		list.sort(null);
		return list;
	}

	private static long percentile(List<Long> sorted, int percent) {
		return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
	}

	private static String percentiles(List<Long> sorted) {
		return percentile(sorted, 50) + "/" + percentile(sorted, 90) + "/" + percentile(sorted, 99) + "/"
				+ sorted.get(sorted.size() - 1);
	}

	static class Handlers {

		@ReplyHandler(topics = "${test.topic.key}", ordering = ReplyHandler.Ordering.KEY)
		int key(int millis) throws InterruptedException {
			return work(millis);
		}

		@ReplyHandler(topics = "${test.topic.none}", ordering = ReplyHandler.Ordering.NONE)
		int none(int millis) throws InterruptedException {
			return work(millis);
		}

		// The work itself: a call that blocks, as a database or a remote service would.
		private static int work(int millis) throws InterruptedException {
			Thread.sleep(millis);
			return millis;
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
