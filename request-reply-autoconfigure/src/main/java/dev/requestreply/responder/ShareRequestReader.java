package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.support.SupervisedLoop;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * One share consumer of a queue handler, the body of a supervised loop: it never runs user code
 * and never waits for a handler. A poll acquires at most its share of the handler's threads
 * ({@code share.acquire.mode=record_limit}); each request it took goes to the handler's executor
 * and, once it ended, is acknowledged ({@code ACCEPT} when done with, {@code RELEASE} when left
 * unstarted at shutdown), sent as {@link ShareAcks} says. The share client wants every record of a
 * poll acknowledged before the next, so new requests are acquired once all those of the last poll
 * have ended; meanwhile, past half of the acquisition lock, the ones still running are renewed
 * ({@code RENEW}, with a poll that brings them back and acquires nothing new; a renewed record is
 * never dispatched twice). The handler's other consumers go on acquiring meanwhile, so that a slow
 * request holds back its own consumer's share only. A copy of a record in hand or finished lately
 * on this instance (its client kept it buffered past its lock) never runs: see {@link ShareCopies}.
 */
final class ShareRequestReader implements SupervisedLoop.Body, ShareAcknowledger {

	private static final LogAccessor logger = new LogAccessor(ShareRequestReader.class);

	private static final int DEFAULT_LOCK_MILLIS = 30_000;

	private static final Duration IDLE_POLL = Duration.ofMillis(500);

	private static final Duration RENEW_POLL = Duration.ofMillis(200);

	private static final long MAX_WAIT_MILLIS = 500;

	private static final Duration ACK_LINGER = Duration.ofMillis(10);

	private final Function<Integer, ShareConsumer<byte[], byte[]>> consumers;

	private final List<String> topics;

	private final int index;

	private final ShareParts parts;

	private final ShareCopies copies;

	private final ShareEndings ended = new ShareEndings();

	// The loop's thread only: what the current consumer acquired and did not acknowledge for good.
	private final ShareHeld held = new ShareHeld();

	private final ShareAcks acks = new ShareAcks(ACK_LINGER);

	private volatile @Nullable ShareConsumer<byte[], byte[]> current;

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
	 * @param copies the requests the handler's readers have in hand or finished lately
	 */
	ShareRequestReader(Function<Integer, ShareConsumer<byte[], byte[]>> consumers, List<String> topics, int index,
			ShareParts parts, ShareCopies copies) {
		this.consumers = consumers;
		this.topics = topics;
		this.index = index;
		this.parts = parts;
		this.copies = copies;
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
		acknowledgeEnded(consumer, waitMillis());
		long now = System.nanoTime();
		this.acks.send(consumer, this.held.isEmpty() && !this.paused, now);
		if (this.held.isEmpty()) {
			if (!this.paused) {
				take(consumer, consumer.poll(IDLE_POLL), now);
			}
			return;
		}
		if (this.held.renewDue(now, this.lockNanos) || this.held.awaitingReturn()) {
			for (ShareHeld.Entry entry : this.held.all()) {
				if (entry.pending) {
					this.acks.acknowledge(consumer, entry, AcknowledgeType.RENEW, now);
				}
			}
			take(consumer, consumer.poll(RENEW_POLL), System.nanoTime());
		}
	}

	private long waitMillis() {
		if ((this.held.isEmpty() && !this.paused) || this.held.awaitingReturn()) {
			return 0;
		}
		long due = Math.min(this.held.nextRenewalNanos(this.lockNanos), this.acks.dueNanos());
		long left = (due == Long.MAX_VALUE) ? MAX_WAIT_MILLIS
				: TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime());
		return Math.max(1, Math.min(MAX_WAIT_MILLIS, left));
	}

	private void acknowledgeEnded(ShareConsumer<byte[], byte[]> consumer, long waitMillis)
			throws InterruptedException {
		for (ShareEndings.Ending end : this.ended.take(waitMillis)) {
			InHandRequest request = Objects.requireNonNull(end.request());
			ShareHeld.Entry entry = this.held.get(request.record);
			if (entry == null || entry.request != request) {
				// Acquired by an earlier consumer of this reader, which released it on closing.
				continue;
			}
			if (entry.pending) {
				this.acks.acknowledge(consumer, entry, end.type(), System.nanoTime());
				this.held.remove(entry);
			}
			else {
				entry.endedAs = end.type();
			}
		}
	}

	private void take(ShareConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records, long polledNanos) {
		consumer.acquisitionLockTimeoutMs()
			.ifPresent((millis) -> this.lockNanos = TimeUnit.MILLISECONDS.toNanos(millis));
		this.acks.polled();
		this.held.polled();
		List<InHandRequest> taken = new ArrayList<>();
		for (ConsumerRecord<byte[], byte[]> record : records) {
			ShareHeld.Entry entry = this.held.returned(record, polledNanos);
			if (entry != null) {
				// Renewed: it is still in hand, never dispatched again.
				if (entry.endedAs != null) {
					this.acks.acknowledge(consumer, entry, entry.endedAs, polledNanos);
					this.held.remove(entry);
				}
				continue;
			}
			InHandRequest running = this.copies.holdCopy(record, this::copyEnded);
			if (running != null) {
				// A copy of a request in hand here (see ShareCopies): held beside it, never run.
				logger.debug(() -> "Holding a second copy of " + running.position() + " until it ends");
				this.held.add(running, record, polledNanos);
				continue;
			}
			if (this.copies.finishedLately(record)) {
				this.parts.figures().skipped(ReplyHandlerStats.Event.ALREADY_FINISHED);
				this.acks.accept(consumer, record, polledNanos);
				continue;
			}
			InHandRequest request = this.parts.request(record, this);
			if (request == null) {
				this.acks.accept(consumer, record, polledNanos);
				continue;
			}
			this.copies.taken(request);
			this.held.add(request, record, polledNanos);
			taken.add(request);
		}
		this.held.forgetLost(polledNanos, this.lockNanos);
		this.acks.send(consumer, this.held.isEmpty() && !this.paused, polledNanos);
		if (!taken.isEmpty()) {
			this.parts.executor().handOut(() -> taken.forEach(this::dispatch));
		}
	}

	private void dispatch(InHandRequest request) {
		this.parts.requests().add(request);
		this.parts.lanes().submit(request);
	}

	private void close(ShareConsumer<byte[], byte[]> consumer) {
		try {
			acknowledgeEnded(consumer, 0);
			// Still held, not ended: left to another instance.
			for (ShareHeld.Entry entry : this.held.all()) {
				if (entry.pending) {
					this.acks.acknowledge(consumer, entry,
							(entry.endedAs != null) ? entry.endedAs : AcknowledgeType.RELEASE, System.nanoTime());
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
		copyEnded(request, finished);
		for (ShareAcknowledger copy : this.copies.ended(request, finished)) {
			copy.ended(request, finished);
		}
	}

	// A request this reader holds (or holds a copy of) ended: acknowledged on its thread.
	private void copyEnded(InHandRequest request, boolean finished) {
		this.ended.add(request, finished);
	}

	/**
	 * Acquire no more: a poll under way is woken, so that nothing is acquired only to be released
	 * (each acquisition counts as a delivery).
	 */
	void pause() {
		this.paused = true;
		wake();
	}

	/**
	 * Ask the loop to stop once it acknowledged what ended (and released the rest).
	 */
	void requestStop() {
		this.stopping = true;
		wake();
	}

	private void wake() {
		this.ended.wake();
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

}
