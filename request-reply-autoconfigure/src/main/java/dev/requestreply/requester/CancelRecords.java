package dev.requestreply.requester;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.requestreply.CorrelationId;
import dev.requestreply.support.LoopThreads;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Sends the cancel records of requests given up on, on a thread of the engine's own: a send may
 * block (a full producer buffer), so it runs neither on the thread that ended the request (the
 * timer, a reply reader, the producer's sender) nor on the completion threads, where it would
 * wait behind callers' callbacks that block. Cancels go out in the order their requests ended.
 */
final class CancelRecords implements AutoCloseable {

	static final String THREAD_NAME = "request-reply-cancel-sender";

	private static final LogAccessor logger = new LogAccessor(CancelRecords.class);

	private final KafkaTemplate<byte[], byte[]> kafkaTemplate;

	private final TopicWires wires;

	private final ThreadPoolTaskExecutor sender;

	private final LongAdder sent = new LongAdder();

	// Cancels queued or on their way to the broker, which a stop waits for (see awaitSent).
	private final Object inFlightLock = new Object();

	private int inFlight;

	/**
	 * Create the sender of cancel records that name the request under each topic's correlation id
	 * header.
	 * @param kafkaTemplate the template the requests are sent with
	 * @param threads the threads of the library's own loops (virtual ones or not)
	 * @param wires the header names of each topic
	 */
	CancelRecords(KafkaTemplate<byte[], byte[]> kafkaTemplate, LoopThreads threads, TopicWires wires) {
		this.kafkaTemplate = kafkaTemplate;
		this.wires = wires;
		// One thread, ended after a minute idle; unbounded queue: a cancel is dropped only at shutdown.
		this.sender = new ThreadPoolTaskExecutorBuilder().corePoolSize(1)
			.maxPoolSize(1)
			.allowCoreThreadTimeOut(true)
			.additionalCustomizers((executor) -> executor
				.setThreadFactory((task) -> threads.newThread(THREAD_NAME, task)))
			.build();
		this.sender.initialize();
	}

	/**
	 * Return whether cancel records go to a request sent to these topics, decided as it is
	 * registered: the one place that chooses per topic. Today every topic takes them (this
	 * library's responders stop the request's work; others skip them as records without a
	 * request).
	 * @param topics the request's topics
	 * @return whether its end may send cancel records
	 */
	boolean sendsTo(List<String> topics) {
		return true;
	}

	/**
	 * Send the cancel of one record of a request, to the partition that record was written to
	 * (keyed or not, so that it reaches the consumer that holds the request, and meets it there if
	 * it overtakes it). Quick: the send itself is queued.
	 * @param request the result of the request record's send
	 * @param key the request's key
	 * @param id the request's correlation id
	 */
	void send(SendResult<byte[], byte[]> request, byte @Nullable [] key, CorrelationId id) {
		String topic = request.getProducerRecord().topic();
		ProducerRecord<byte[], byte[]> cancel = new ProducerRecord<>(topic, request.getRecordMetadata().partition(),
				key, null, this.wires.of(topic).cancelHeaders(id.toBytes()));
		inFlight(1);
		try {
			this.sender.execute(() -> send(cancel, id));
		}
		catch (RejectedExecutionException ex) {
			inFlight(-1);
			logger.debug(() -> "Cancel of request " + id + " not sent: the requester is closed");
		}
	}

	private void send(ProducerRecord<byte[], byte[]> cancel, CorrelationId id) {
		try {
			this.kafkaTemplate.send(cancel).whenComplete((result, ex) -> {
				inFlight(-1);
				if (ex == null) {
					this.sent.increment();
				}
				else {
					logger.debug(ex, () -> "Could not send the cancel of request " + id);
				}
			});
		}
		catch (RuntimeException ex) {
			inFlight(-1);
			logger.debug(ex, () -> "Could not send the cancel of request " + id);
		}
	}

	private void inFlight(int delta) {
		synchronized (this.inFlightLock) {
			this.inFlight += delta;
			if (this.inFlight == 0) {
				this.inFlightLock.notifyAll();
			}
		}
	}

	/**
	 * Wait until the cancels queued so far are acknowledged by the broker (or failed), at most
	 * the given bound: a stop gives them time to leave before the producer closes.
	 * @param bound the longest wait
	 * @return the number of cancels still on their way when the wait ended
	 */
	int awaitSent(Duration bound) {
		long end = System.nanoTime() + bound.toNanos();
		synchronized (this.inFlightLock) {
			try {
				long left = end - System.nanoTime();
				while (this.inFlight > 0 && left > 0) {
					TimeUnit.NANOSECONDS.timedWait(this.inFlightLock, left);
					left = end - System.nanoTime();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return this.inFlight;
		}
	}

	/**
	 * Return the number of cancel records sent (acknowledged by the broker).
	 * @return the count
	 */
	long sent() {
		return this.sent.sum();
	}

	/**
	 * Stop the sender thread; cancels still queued are dropped.
	 */
	@Override
	public void close() {
		this.sender.shutdown();
	}

}
