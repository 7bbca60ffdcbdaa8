package dev.requestreply.responder;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.requestreply.ReplyHandler;
import dev.requestreply.handler.ReplyHandlerStats;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call that goes on long after its request ended is reported once, with its stack, and counted.
 */
@ExtendWith(OutputCaptureExtension.class)
class HandlerWatchTests {

	@Test
	void whenACallStillRunsWellAfterItsRequestEndedThenItIsLoggedWithItsStackAndCountedOnce(CapturedOutput output)
			throws Exception {
		ReplyHandlerStats stats = new ReplyHandlerStats();
		RequestLanes lanes = new RequestLanes(ReplyHandler.Ordering.NONE, (request) -> {
		});
		RequestsInHand requests = new RequestsInHand(lanes, (request) -> {
		}, (owner) -> {
		});
		HandlerExecutor executor = new HandlerExecutor(1, Runnable::run, Runnable::run, (request) -> {
		}, () -> {
		}, false);
		ConsumerLedgers owner = new ConsumerLedgers(new MockConsumer<>("earliest"), TestSettings.DEFAULTS, executor,
				true);
		InHandRequest request = new InHandRequest(new ConsumerRecord<>("t", 0, 7, null, null), owner,
				new PartitionLedger(new TopicPartition("t", 0), null, 4096), null, null, Long.MAX_VALUE);
		requests.add(request);
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(1);
		Thread call = new Thread(() -> {
			request.enterMethod();
			entered.countDown();
			while (done.getCount() > 0) {
				// A call that ignores interrupts.
				Thread.onSpinWait();
			}
			request.exitMethod();
		}, "stubborn-handler");
		call.start();
		entered.await(10, TimeUnit.SECONDS);
		assertThat(requests.end(request, true, true)).isTrue();
		HandlerWatch watch = new HandlerWatch("bean.method", requests, null, executor, stats);
		long later = request.endedNanos + HandlerWatch.OVERRUN_AFTER.toNanos();
		watch.check(System.currentTimeMillis(), later - 1);
		assertThat(stats.overruns()).isZero();
		watch.check(System.currentTimeMillis(), later);
		watch.check(System.currentTimeMillis(), later + 1);
		assertThat(stats.overruns()).isOne();
		assertThat(output).contains("Handler bean.method still runs").contains("stubborn-handler")
			.contains("t-0@7").contains(HandlerWatchTests.class.getName());
		done.countDown();
		call.join(10_000);
		watch.check(System.currentTimeMillis(), later + 2);
		assertThat(requests.overrunning()).isEmpty();
	}

}
