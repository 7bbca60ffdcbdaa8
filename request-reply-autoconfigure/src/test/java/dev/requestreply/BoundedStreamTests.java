package dev.requestreply;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

import dev.requestreply.requester.TestRegistries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler that would stream a million elements to a subscriber that asks for one: the handler
 * is asked for its elements a window at a time, the requester's buffer stays within
 * {@code request-reply.stream-buffer} and the subscriber gets a {@link StreamOverflowException};
 * nothing runs out of memory, and the overflow cancels the request: a cancel record reaches the
 * responder, which cancels the handler's publisher. (The handler side of a full million is
 * measured in {@code StreamReplierTests}.)
 */
@Tag("slow")
class BoundedStreamTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final int ELEMENTS = 1_000_000;

	private static final int STREAM_BUFFER = 1_000;

	private static ConfigurableApplicationContext context;

	private static RequestReplyTemplate template;

	@BeforeAll
	static void start() {
		context = apps.startAssigned(new Class<?>[] { App.class }, "spring.application.name=bounded-streams",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("bounded-replies"),
				"request-reply.stream-buffer=" + STREAM_BUFFER, "test.topic=" + TestBroker.uniqueTopic("million"));
		template = context.getBean(RequestReplyTemplate.class);
	}

	@Test
	void whenHandlerStreamsAMillionElementsToASlowSubscriberThenMemoryStaysBounded() throws Exception {
		CountingPublisher handler = context.getBean(CountingPublisher.class);
		Runtime runtime = Runtime.getRuntime();
		System.gc();
		long baseline = runtime.totalMemory() - runtime.freeMemory();
		LongAccumulator peakHeap = new LongAccumulator(Math::max, baseline);
		LongAccumulator peakBuffered = new LongAccumulator(Math::max, 0);
		long start = System.nanoTime();
		Flow.Publisher<Integer> stream = template.requestStream(context.getEnvironment().getRequiredProperty("test.topic"),
				ELEMENTS, Integer.class, Duration.ofSeconds(60), Duration.ofMinutes(5));
		StalledSubscriber slow = new StalledSubscriber();
		stream.subscribe(slow);
		// Samples the heap and the buffer every 20 ms while the stream runs.
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
		sampler.scheduleAtFixedRate(() -> {
			peakHeap.accumulate(runtime.totalMemory() - runtime.freeMemory());
			peakBuffered.accumulate(TestRegistries.buffered(stream));
		}, 0, 20, TimeUnit.MILLISECONDS);
		try {
			assertThat(slow.done).failsWithin(Duration.ofSeconds(60))
				.withThrowableOfType(ExecutionException.class)
				.withCauseExactlyInstanceOf(StreamOverflowException.class);
			long overflowAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(slow.received.get()).isOne();
			assertThat(template.getRegistry().streamOverflowCount()).isOne();
			assertThat(template.getRegistry().cancelledCount()).isOne();
			assertThat(template.getRegistry().errorCount()).isZero();
			assertThat(template.getRegistry().pendingCount()).isZero();
			long emittedAtOverflow = handler.emitted.get();
			// The overflow sent a cancel record: the responder cancels the handler's publisher.
			await().atMost(Duration.ofSeconds(30)).until(() -> template.getCancelsSent() >= 1);
			await().atMost(Duration.ofSeconds(30)).until(() -> handler.cancelled);
			long cancelledAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(handler.emitted.get()).isLessThan(ELEMENTS);
			TestFigures.report("RELIABILITY bounded-stream: handler of %d elements, stream-buffer %d: overflow after"
					+ " %d ms with %d emitted, publisher cancelled by the cancel record after %d ms with %d emitted;"
					+ " handler demand ahead of sends at most %d; requester buffer at most %d; used heap %d MB"
					+ " before, peak %d MB (max heap %d MB; under the shared test load)", ELEMENTS, STREAM_BUFFER,
					overflowAfterMs, emittedAtOverflow, cancelledAfterMs, handler.emitted.get(),
					handler.maxOutstanding.get(), peakBuffered.get(), baseline >> 20, peakHeap.get() >> 20,
					runtime.maxMemory() >> 20);
			assertThat(handler.maxOutstanding.get()).isLessThanOrEqualTo(256);
			assertThat(peakBuffered.get()).isLessThanOrEqualTo(STREAM_BUFFER);
		}
		finally {
			sampler.shutdownNow();
			handler.stop = true;
		}
	}

	/**
	 * Asks for one element and never for more.
	 */
	static final class StalledSubscriber implements Flow.Subscriber<Integer> {

		final AtomicLong received = new AtomicLong();

		final CompletableFuture<Void> done = new CompletableFuture<>();

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			subscription.request(1);
		}

		@Override
		public void onNext(Integer item) {
			this.received.incrementAndGet();
		}

		@Override
		public void onError(Throwable throwable) {
			this.done.completeExceptionally(throwable);
		}

		@Override
		public void onComplete() {
			this.done.complete(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		CountingPublisher countingPublisher() {
			return new CountingPublisher();
		}

	}

	/**
	 * Streams the numbers up to the one asked for, as fast as it is asked, and records how far
	 * ahead of what it emitted it was asked.
	 */
	static class CountingPublisher {

		final AtomicLong emitted = new AtomicLong();

		final LongAccumulator maxOutstanding = new LongAccumulator(Math::max, 0);

		volatile boolean stop;

		volatile boolean cancelled;

		@ReplyHandler(topics = "${test.topic}")
		Flow.Publisher<Integer> count(int elements) {
			return (subscriber) -> subscriber.onSubscribe(new Flow.Subscription() {

				private final AtomicLong demand = new AtomicLong();

				private int next;

				private boolean emitting;

				@Override
				public void request(long n) {
					CountingPublisher.this.maxOutstanding.accumulate(this.demand.addAndGet(n));
					synchronized (this) {
						if (this.emitting) {
							return;
						}
						this.emitting = true;
					}
					while (true) {
						synchronized (this) {
							if (this.demand.get() == 0 || this.next == elements || CountingPublisher.this.stop) {
								this.emitting = false;
								break;
							}
						}
						this.demand.decrementAndGet();
						subscriber.onNext(this.next++);
						CountingPublisher.this.emitted.incrementAndGet();
						if (this.next == elements) {
							subscriber.onComplete();
						}
					}
				}

				@Override
				public void cancel() {
					CountingPublisher.this.cancelled = true;
					CountingPublisher.this.stop = true;
				}

			});
		}

	}

}
