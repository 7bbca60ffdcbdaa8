package dev.requestreply.responder;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Requests and calls for the tests of a handler's executor and threads.
 */
final class TestCalls {

	private TestCalls() {
	}

	/**
	 * Return a request in hand at the given offset of partition {@code t-0}.
	 */
	static InHandRequest request(long offset) {
		return new InHandRequest(new ConsumerRecord<>("t", 0, offset, null, null), null,
				new PartitionLedger(new TopicPartition("t", 0), null, 4096), null, null, Long.MAX_VALUE);
	}

	/**
	 * Block, as a call that waits, until the latch opens (30 s at most).
	 */
	static void block(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Take about the given time, as a call held up (off its CPU) for that long.
	 */
	static void takeAbout(Duration time) {
		long end = System.nanoTime() + time.toNanos();
		for (long left = time.toNanos(); left > 0; left = end - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

}
