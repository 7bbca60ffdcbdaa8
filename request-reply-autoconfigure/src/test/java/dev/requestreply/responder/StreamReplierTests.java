package dev.requestreply.responder;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.stream.Stream;

import dev.requestreply.TestFigures;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;
import org.springframework.kafka.support.SendResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler's stream of a million elements is taken a window at a time, however fast it
 * produces: no more than {@link StreamReplier#WINDOW} elements are taken ahead of the sends that
 * completed. The producer here completes sends as fast as one thread can; the broker adds
 * nothing to what is measured.
 */
class StreamReplierTests {

	private static final int ELEMENTS = 1_000_000;

	private final ManualSends sends = new ManualSends();

	private long baselineHeap;

	@Test
	void whenPublisherHasAMillionElementsThenItIsAskedForThemAWindowAtATime() throws Exception {
		AtomicLong emitted = new AtomicLong();
		LongAccumulator maxAhead = new LongAccumulator(Math::max, 0);
		Flow.Publisher<Object> publisher = (subscriber) -> subscriber.onSubscribe(new Flow.Subscription() {

			private final AtomicLong demand = new AtomicLong();

			private final AtomicBoolean emitting = new AtomicBoolean();

			@Override
			public void request(long n) {
				this.demand.addAndGet(n);
				maxAhead.accumulate(emitted.get() + this.demand.get() - ManualSends.completed.get());
				while (this.emitting.compareAndSet(false, true)) {
					while (this.demand.get() > 0 && emitted.get() < ELEMENTS) {
						this.demand.decrementAndGet();
						subscriber.onNext(emitted.incrementAndGet());
						if (emitted.get() == ELEMENTS) {
							subscriber.onComplete();
						}
					}
					this.emitting.set(false);
					if (this.demand.get() == 0 || emitted.get() == ELEMENTS) {
						break;
					}
				}
			}

			@Override
			public void cancel() {
			}

		});
		long heapPeak = replyAndCompleteSends(publisher);
		assertThat(emitted.get()).isEqualTo(ELEMENTS);
		assertThat(maxAhead.get()).isLessThanOrEqualTo(StreamReplier.WINDOW);
		TestFigures.report("RELIABILITY bounded-stream handler (publisher): %d elements, at most %d taken ahead of"
				+ " completed sends, used heap after GC at most %d MB (%d MB before)", ELEMENTS, maxAhead.get(),
				heapPeak >> 20, this.baselineHeap >> 20);
	}

	@Test
	void whenStreamHasAMillionElementsThenItIsReadAWindowAtATime() throws Exception {
		AtomicLong read = new AtomicLong();
		LongAccumulator maxAhead = new LongAccumulator(Math::max, 0);
		Stream<Long> stream = Stream.generate(() -> {
			long next = read.incrementAndGet();
			maxAhead.accumulate(next - ManualSends.completed.get());
			return next;
		}).limit(ELEMENTS);
		long heapPeak = replyAndCompleteSends(stream);
		assertThat(read.get()).isEqualTo(ELEMENTS);
		assertThat(maxAhead.get()).isLessThanOrEqualTo(StreamReplier.WINDOW);
		TestFigures.report("RELIABILITY bounded-stream handler (Stream): %d elements, at most %d read ahead of"
				+ " completed sends, used heap after GC at most %d MB (%d MB before)", ELEMENTS, maxAhead.get(),
				heapPeak >> 20, this.baselineHeap >> 20);
	}

	/**
	 * Reply with the given result while a thread completes the sends; return the most heap used
	 * after a collection during the run.
	 */
	private long replyAndCompleteSends(Object result) throws Exception {
		ManualSends.completed.set(0);
		ReplyHandlerEndpoint endpoint = new ReplyHandlerEndpoint("bean", this, Object.class.getMethod("toString"),
				List.of("t"), null, null, String.class);
		ReplyHandlerStats stats = new ReplyHandlerStats();
		RequestHeaders headers = new RequestHeaders(new byte[16], "replies", 0, RequestHeaders.NO_DEADLINE, null, true);
		ReplyAddress address = new ReplyAddress(headers, null, "t", System.nanoTime(), null);
		InHandRequest request = new InHandRequest(new ConsumerRecord<>("t", 0, 0, null, null), null,
				new PartitionLedger(new TopicPartition("t", 0), null, 4096), headers, null, Long.MAX_VALUE);
		assertThat(request.beginStream()).isTrue();
		CountDownLatch done = new CountDownLatch(1);
		StreamReplier replier = new StreamReplier(request, address,
				new ReplySender(ReplyWriter.direct(this.sends), "r", stats, "bean.toString", null,
						new ReplySizeLimit(Integer.MAX_VALUE)),
				new PayloadConverter(JsonMapper.builder().build()), new HandlerFigures(endpoint, stats, new OutcomeListeners()),
				done::countDown, Runnable::run);
		Runtime runtime = Runtime.getRuntime();
		System.gc();
		this.baselineHeap = runtime.totalMemory() - runtime.freeMemory();
		LongAccumulator heapPeak = new LongAccumulator(Math::max, this.baselineHeap);
		Thread completer = new Thread(() -> {
			long completions = 0;
			while (done.getCount() > 0) {
				CompletableFuture<SendResult<byte[], byte[]>> next = this.sends.pending.poll();
				if (next == null) {
					Thread.onSpinWait();
					continue;
				}
				ManualSends.completed.incrementAndGet();
				next.complete(null);
				// What the stream holds on to: used heap after a collection, every 100,000 elements.
				if (++completions % 100_000 == 0) {
					System.gc();
					heapPeak.accumulate(runtime.totalMemory() - runtime.freeMemory());
				}
			}
		}, "send-completer");
		completer.start();
		replier.start(result);
		assertThat(done.await(2, TimeUnit.MINUTES)).isTrue();
		completer.join(10_000);
		assertThat(stats.replyFailures()).isZero();
		return heapPeak.get();
	}

	/**
	 * A template whose sends complete when the test says so.
	 */
	static final class ManualSends extends KafkaTemplate<byte[], byte[]> {

		static final AtomicLong completed = new AtomicLong();

		final Queue<CompletableFuture<SendResult<byte[], byte[]>>> pending = new ConcurrentLinkedQueue<>();

		ManualSends() {
			super(new MockProducerFactory<>(MockProducer::new));
		}

		@Override
		public CompletableFuture<SendResult<byte[], byte[]>> send(ProducerRecord<byte[], byte[]> record) {
			CompletableFuture<SendResult<byte[], byte[]>> future = new CompletableFuture<>();
			this.pending.add(future);
			return future;
		}

	}

}
