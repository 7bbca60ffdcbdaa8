package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.support.SupervisedLoop;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.WireFormat;
import dev.requestreply.wire.WireFormatException;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.errors.WakeupException;

import org.springframework.core.log.LogAccessor;

/**
 * One share consumer of a queue handler, the body of a supervised loop: it never runs user code
 * and never waits for a handler. A poll acquires at most its share of the handler's threads
 * ({@code share.acquire.mode=record_limit}); each request it took goes to the handler's executor
 * and, once it ended, is acknowledged on its own and at once: {@code ACCEPT} when done with,
 * {@code RELEASE} when left unstarted at shutdown. The share client wants every record of a poll
 * acknowledged before the next, so new requests are acquired once all those of the last poll have
 * ended; meanwhile, past half of the acquisition lock, the ones still running are renewed
 * ({@code RENEW}, with a poll that brings them back and acquires nothing new; a renewed record
 * is never dispatched twice). The handler's other consumers go on acquiring meanwhile, so that a
 * slow request holds back its own consumer's share only.
 */
final class ShareRequestReader implements SupervisedLoop.Body, ShareAcknowledger {

	private static final LogAccessor logger = new LogAccessor(ShareRequestReader.class);

	private static final int DEFAULT_LOCK_MILLIS = 30_000;

	private static final Duration IDLE_POLL = Duration.ofMillis(500);

	private static final Duration RENEW_POLL = Duration.ofMillis(200);

	private static final long MAX_WAIT_MILLIS = 500;

	private static final Ended WAKE = new Ended(null, null);

	private final Function<Integer, ShareConsumer<byte[], byte[]>> consumers;

	private final List<String> topics;

	private final int index;

	private final ShareParts parts;

	private final LinkedBlockingQueue<Ended> ended = new LinkedBlockingQueue<>();

	// The loop's thread only: what the current consumer acquired and did not acknowledge for good.
	private final Map<Position, Held> held = new LinkedHashMap<>();

	private volatile ShareConsumer<byte[], byte[]> current;

	private volatile boolean paused;

	// How many records it holds, for the order of closing.
	private volatile int holding;

	private volatile boolean stopping;

	private volatile CountDownLatch closed = new CountDownLatch(1);

	private long lockNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_LOCK_MILLIS);

	/**
	 * @param consumers creates the share consumer (given this reader's index)
	 * @param topics the handler's topics
	 * @param index this reader's index among the handler's
	 * @param parts the pieces of the handler it hands requests to
	 */
	ShareRequestReader(Function<Integer, ShareConsumer<byte[], byte[]>> consumers, List<String> topics, int index,
			ShareParts parts) {
		this.consumers = consumers;
		this.topics = topics;
		this.index = index;
		this.parts = parts;
	}

	@Override
	public void run(SupervisedLoop loop) throws Exception {
		this.held.clear();
		this.closed = new CountDownLatch(1);
		ShareConsumer<byte[], byte[]> consumer = this.consumers.apply(this.index);
		this.current = consumer;
		try {
			consumer.subscribe(this.topics);
			while (loop.isRunning() && !this.stopping) {
				try {
					step(consumer);
				}
				catch (WakeupException ex) {
					// Woken to stop (or by a stray wake-up): the loop condition decides.
				}
			}
		}
		finally {
			close(consumer);
			this.current = null;
			this.closed.countDown();
		}
		// Stopped on request: wait for the loop to stop rather than return (a restart).
		while (loop.isRunning()) {
			Thread.sleep(MAX_WAIT_MILLIS);
		}
	}

	private void step(ShareConsumer<byte[], byte[]> consumer) throws InterruptedException {
		this.holding = this.held.size();
		boolean acknowledged = acknowledgeEnded(consumer, waitMillis());
		if (acknowledged) {
			// Each request's acknowledgement goes now, not with the next poll, which may be long.
			consumer.commitAsync();
		}
		long now = System.nanoTime();
		if (this.held.isEmpty()) {
			if (!this.paused) {
				take(consumer, consumer.poll(IDLE_POLL), now);
			}
			return;
		}
		if (renewDue(now) || awaitingReturn()) {
			for (Map.Entry<Position, Held> entry : this.held.entrySet()) {
				if (entry.getValue().pending) {
					acknowledge(consumer, entry.getValue(), AcknowledgeType.RENEW);
				}
			}
			take(consumer, consumer.poll(RENEW_POLL), System.nanoTime());
		}
	}

	private long waitMillis() {
		if (this.held.isEmpty()) {
			return this.paused ? MAX_WAIT_MILLIS : 0;
		}
		if (awaitingReturn()) {
			return 0;
		}
		long due = Long.MAX_VALUE;
		for (Held entry : this.held.values()) {
			due = Math.min(due, entry.acquiredNanos + this.lockNanos / 2);
		}
		long left = TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime());
		return Math.max(1, Math.min(MAX_WAIT_MILLIS, left));
	}

	private boolean renewDue(long now) {
		for (Held entry : this.held.values()) {
			if (entry.pending && now - entry.acquiredNanos > this.lockNanos / 2) {
				return true;
			}
		}
		return false;
	}

	// A renewed record the last poll did not bring back yet.
	private boolean awaitingReturn() {
		for (Held entry : this.held.values()) {
			if (!entry.pending) {
				return true;
			}
		}
		return false;
	}

	private boolean acknowledgeEnded(ShareConsumer<byte[], byte[]> consumer, long waitMillis)
			throws InterruptedException {
		Ended first = (waitMillis > 0) ? this.ended.poll(waitMillis, TimeUnit.MILLISECONDS) : this.ended.poll();
		List<Ended> all = new ArrayList<>();
		if (first != null) {
			all.add(first);
			this.ended.drainTo(all);
		}
		boolean acknowledged = false;
		for (Ended end : all) {
			if (end == WAKE) {
				continue;
			}
			Position position = Position.of(end.request.record);
			Held entry = this.held.get(position);
			if (entry == null || entry.request != end.request) {
				// Acquired by an earlier consumer of this reader, which released it on closing.
				continue;
			}
			if (entry.pending) {
				acknowledge(consumer, entry, end.type);
				this.held.remove(position);
				acknowledged = true;
			}
			else {
				entry.endedAs = end.type;
			}
		}
		return acknowledged;
	}

	private void take(ShareConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records, long polledNanos) {
		consumer.acquisitionLockTimeoutMs()
			.ifPresent((millis) -> this.lockNanos = TimeUnit.MILLISECONDS.toNanos(millis));
		for (Held entry : this.held.values()) {
			entry.pending = false;
		}
		if (records.isEmpty()) {
			forgetLost(polledNanos);
			return;
		}
		boolean acknowledged = false;
		List<InHandRequest> taken = new ArrayList<>();
		for (ConsumerRecord<byte[], byte[]> record : records) {
			Position position = Position.of(record);
			Held entry = this.held.get(position);
			if (entry != null) {
				// Renewed: it is still in hand, never dispatched again.
				entry.pending = true;
				entry.acquiredNanos = polledNanos;
				entry.record = record;
				if (entry.endedAs != null) {
					acknowledge(consumer, entry, entry.endedAs);
					this.held.remove(position);
					acknowledged = true;
				}
				continue;
			}
			InHandRequest request = request(record);
			if (request == null) {
				consumer.acknowledge(record, AcknowledgeType.ACCEPT);
				acknowledged = true;
				continue;
			}
			Held added = new Held(request, record, polledNanos);
			this.held.put(position, added);
			taken.add(request);
		}
		forgetLost(polledNanos);
		if (acknowledged) {
			consumer.commitAsync();
		}
		if (!taken.isEmpty()) {
			this.parts.executor().handOut(() -> taken.forEach(this::dispatch));
		}
	}

	private void dispatch(InHandRequest request) {
		this.parts.requests().add(request);
		this.parts.lanes().submit(request);
	}

	// Renewed but not brought back for a whole lock: the broker took it back (delivered again).
	private void forgetLost(long now) {
		Iterator<Held> entries = this.held.values().iterator();
		while (entries.hasNext()) {
			Held entry = entries.next();
			if (!entry.pending && now - entry.acquiredNanos > this.lockNanos) {
				logger.debug(() -> "Lost the acquisition of " + entry.request.position() + "; it is delivered again");
				entries.remove();
			}
		}
	}

	/**
	 * Return the request a record carries, or {@code null} for a cancel record (it ends the request
	 * it names at once).
	 */
	private InHandRequest request(ConsumerRecord<byte[], byte[]> record) {
		byte[] cancelled = WireFormat.cancelledRequest(record.headers());
		if (cancelled != null) {
			this.parts.requests().cancel(cancelled);
			return null;
		}
		RequestHeaders headers = null;
		WireFormatException unreadable = null;
		try {
			headers = WireFormat.readRequest(record.headers(), this.parts.maxCorrelationIdBytes());
		}
		catch (WireFormatException ex) {
			unreadable = ex;
		}
		int deliveryCount = record.deliveryCount().map(Short::intValue).orElse(1);
		if (deliveryCount > 1) {
			this.parts.figures().skipped(ReplyHandlerStats.Event.REDELIVERED);
		}
		int limit = this.parts.deliveryLimit();
		return new InHandRequest(record, this, deliveryCount, limit > 1 && deliveryCount >= limit, headers,
				unreadable, this.parts.maxHandlingTime().toNanos());
	}

	private void acknowledge(ShareConsumer<byte[], byte[]> consumer, Held entry, AcknowledgeType type) {
		try {
			consumer.acknowledge(entry.record, type);
		}
		catch (IllegalStateException ex) {
			// No longer acquired by this consumer (its lock ran out): the broker delivers it again.
			logger.debug(ex, () -> "Could not acknowledge " + entry.request.position() + " as " + type);
		}
	}

	private void close(ShareConsumer<byte[], byte[]> consumer) {
		try {
			acknowledgeEnded(consumer, 0);
			// Still held, not ended: left to another instance.
			for (Map.Entry<Position, Held> entry : this.held.entrySet()) {
				if (entry.getValue().pending) {
					acknowledge(consumer, entry.getValue(),
							(entry.getValue().endedAs != null) ? entry.getValue().endedAs : AcknowledgeType.RELEASE);
				}
			}
			this.held.clear();
			consumer.close(Duration.ofSeconds(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			consumer.close(Duration.ZERO);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not close the share consumer of " + this.topics + " cleanly; the broker "
					+ "releases what it held");
		}
	}

	@Override
	public void ended(InHandRequest request, boolean finished) {
		this.ended.add(new Ended(request, finished ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE));
	}

	/**
	 * Acquire no more: a poll under way is woken, so that nothing is acquired only to be released
	 * (each acquisition counts as a delivery).
	 */
	void pause() {
		this.paused = true;
		this.ended.add(WAKE);
		ShareConsumer<byte[], byte[]> consumer = this.current;
		if (consumer != null) {
			consumer.wakeup();
		}
	}

	/**
	 * Ask the loop to stop once it acknowledged what ended (and released the rest).
	 */
	void requestStop() {
		this.stopping = true;
		this.ended.add(WAKE);
		ShareConsumer<byte[], byte[]> consumer = this.current;
		if (consumer != null) {
			consumer.wakeup();
		}
	}

	/**
	 * Return whether it holds records acquired, as of its last turn.
	 */
	boolean isHolding() {
		return this.holding > 0;
	}

	/**
	 * Wait for its consumer to close, after {@link #requestStop()}.
	 */
	void awaitClosed(Duration timeout) throws InterruptedException {
		if (this.current != null) {
			this.closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private record Ended(InHandRequest request, AcknowledgeType type) {

	}

	private record Position(String topic, int partition, long offset) {

		static Position of(ConsumerRecord<?, ?> record) {
			return new Position(record.topic(), record.partition(), record.offset());
		}

	}

	private static final class Held {

		final InHandRequest request;

		// As the last poll that returned it gave it: the one to acknowledge.
		ConsumerRecord<byte[], byte[]> record;

		// When the last poll that acquired (or renewed) it returned.
		long acquiredNanos;

		// Returned by the last poll: to be acknowledged before the next.
		boolean pending = true;

		// Ended while not returned by the last poll: acknowledged once it comes back.
		AcknowledgeType endedAs;

		Held(InHandRequest request, ConsumerRecord<byte[], byte[]> record, long acquiredNanos) {
			this.request = request;
			this.record = record;
			this.acquiredNanos = acquiredNanos;
		}

	}

}
