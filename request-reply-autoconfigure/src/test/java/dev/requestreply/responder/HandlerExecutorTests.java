package dev.requestreply.responder;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How many threads a handler's executor uses: up to its limit for calls that block, from the
 * first (before any completed), and few for calls that do not; and the replies a worker holds
 * back while it takes quick calls one after the other go out even when its next call blocks.
 */
class HandlerExecutorTests {

	// Rounds of quick calls, each fewer than a burst holds.
	private static final int WARM_UP_ROUNDS = 20;

	private static final int ROUND = ReplyBurst.MAX_HELD / 2;

	private static final int WARM_UP = WARM_UP_ROUNDS * ROUND;

	private static final long BLOCKS = WARM_UP + 10;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
	}

	@Test
	void whenCallsBlockThenWorkersGrowToTheLimitBeforeAnyCompletes() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger running = new AtomicInteger();
		HandlerExecutor executor = new HandlerExecutor(8, this.threads, this.threads, (request) -> {
			running.incrementAndGet();
			TestCalls.block(release);
		}, () -> {
		}, false);
		for (int i = 0; i < 20; i++) {
			executor.submit(TestCalls.request(i));
		}
		// The watchdog's tick: no worker made progress, so more start.
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			executor.tick();
			return running.get() == 8;
		});
		assertThat(executor.active()).isEqualTo(8);
		assertThat(executor.queued()).isEqualTo(12);
		assertThat(executor.saturated()).isTrue();
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 20 && executor.active() == 0);
	}

	@Test
	void whenCallsAreQuickThenAFewWorkersTakeAPollOfThem() {
		Set<Thread> used = ConcurrentHashMap.newKeySet();
		AtomicInteger done = new AtomicInteger();
		HandlerExecutor executor = new HandlerExecutor(64, this.threads, this.threads, (request) -> {
			used.add(Thread.currentThread());
			done.incrementAndGet();
		}, () -> {
		}, false);
		executor.handOut(() -> {
			for (int i = 0; i < 500; i++) {
				executor.submit(TestCalls.request(i));
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 500);
		// Not a thread per request (nor the limit of 64): a few, however cold the code (many when it is).
		assertThat(used).hasSizeLessThanOrEqualTo(8);
		assertThat(executor.times().started()).isEqualTo(500);
	}

	@Test
	void whenAQuickHandlersNextCallBlocksThenTheRepliesItMadeAreSentWithinABound() throws Exception {
		MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
				new ByteArraySerializer()) {

			@Override
			public void close(Duration timeout) {
				// The template closes what the factory gave it after each send: one producer for all.
			}

		};
		ReplyWriter writer = ReplyWriter.direct(new KafkaTemplate<>(new MockProducerFactory<>(() -> producer)));
		Set<CompletableFuture<?>> sent = ConcurrentHashMap.newKeySet();
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger done = new AtomicInteger();
		// One worker: the calls run one after the other on it.
		HandlerExecutor executor = new HandlerExecutor(1, this.threads, this.threads, (request) -> {
			long offset = request.record.offset();
			if (offset == BLOCKS) {
				TestCalls.block(release);
			}
			else {
				sent.add(writer.write(request, new ProducerRecord<>("replies", 0, null, new byte[1]), true));
			}
			done.incrementAndGet();
		}, () -> {
		}, true);
		// Calls that return at once, with their reply: the executor takes the handler for a quick one.
		warmUp(executor, done);
		// Quick calls, each making its reply, then one that blocks on the same worker.
		executor.handOut(() -> {
			for (long offset = WARM_UP; offset <= BLOCKS; offset++) {
				executor.submit(TestCalls.request(offset));
			}
		});
		// The watchdog's tick, while the worker blocks.
		await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			executor.tick();
			assertThat(producer.history()).hasSize(WARM_UP + 10);
			assertThat(sent).hasSize(WARM_UP + 10).allMatch((send) -> send.isDone() && !send.isCompletedExceptionally());
		});
		assertThat(release.getCount()).isOne();
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> executor.active() == 0);
	}

	@Test
	void whenOneCallOfAQuickHandlerTookLongThenTheNextPollStartsAFewWorkers() {
		AtomicInteger started = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		long slow = WARM_UP;
		HandlerExecutor executor = new HandlerExecutor(64, (work) -> {
			started.incrementAndGet();
			this.threads.execute(work);
		}, this.threads, (request) -> {
			if (request.record.offset() == slow) {
				// Held up 30 ms, as a quick call is when a busy machine runs other threads meanwhile.
				TestCalls.takeAbout(Duration.ofMillis(30));
			}
			done.incrementAndGet();
		}, () -> {
		}, false);
		warmUp(executor, done);
		executor.submit(TestCalls.request(slow));
		await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == WARM_UP + 1 && executor.active() == 0);
		started.set(0);
		executor.handOut(() -> {
			for (long offset = slow + 1; offset <= slow + 500; offset++) {
				executor.submit(TestCalls.request(offset));
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == WARM_UP + 501 && executor.active() == 0);
		// One long call is no sign of calls that block: a few workers for the next poll, not its limit of 64.
		assertThat(started).hasValueLessThanOrEqualTo(8);
	}

	@Test
	void whenTheWorkerOfAQuickHandlerIsHeldUpBrieflyThenAPollStartsAFewWorkers() {
		AtomicInteger started = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		long held = WARM_UP;
		HandlerExecutor executor = new HandlerExecutor(64, (work) -> {
			started.incrementAndGet();
			this.threads.execute(work);
		}, this.threads, (request) -> {
			if (request.record.offset() == held) {
				TestCalls.block(release);
			}
			done.incrementAndGet();
		}, () -> {
		}, false);
		warmUp(executor, done);
		// Its one worker in a call for 2 ms, far less than the stall floor: as a busy machine holds it up.
		long since = System.nanoTime();
		executor.submit(TestCalls.request(held));
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
			.until(() -> executor.active() == 1 && System.nanoTime() - since >= Duration.ofMillis(2).toNanos());
		started.set(0);
		executor.handOut(() -> {
			for (long offset = held + 1; offset <= held + 500; offset++) {
				executor.submit(TestCalls.request(offset));
			}
		});
		int startedForThePoll = started.get();
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == WARM_UP + 501 && executor.active() == 0);
		// The worker held up is no sign that calls block: not the limit of 64 workers for the poll.
		assertThat(startedForThePoll).isLessThanOrEqualTo(8);
	}

	// Rounds of quick calls (offsets 0 to WARM_UP - 1), each handed out as a poll and waited for.
	private static void warmUp(HandlerExecutor executor, AtomicInteger done) {
		for (int round = 0; round < WARM_UP_ROUNDS; round++) {
			int first = round * ROUND;
			executor.handOut(() -> {
				for (int offset = first; offset < first + ROUND; offset++) {
					executor.submit(TestCalls.request(offset));
				}
			});
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
				.until(() -> done.get() == first + ROUND && executor.active() == 0);
		}
	}

}
