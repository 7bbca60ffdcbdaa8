package dev.requestreply.responder;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.requestreply.handler.HandlerCallContext;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.WireFormatException;
import io.micrometer.observation.Observation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * One request a handler took in hand, from its receipt to its end: its record (the only one it
 * holds), where its offset is tracked, when the engine ends it at the latest, and how far it got.
 * It ends once, by whichever comes first: its reply sent, an end without reply (skipped, expired,
 * cancelled), or the watchdog.
 */
final class InHandRequest {

	private static final int ACTIVE = 0;

	private static final int STREAMING = 1;

	private static final int REPLYING = 2;

	private static final int ENDED = 3;

	final ConsumerRecord<byte[], byte[]> record;

	// The consumer that took it, for a handler in a consumer group; null in queue mode. Its
	// partition's ledger, which its transactions commit from, with transactions; else null.
	final @Nullable ConsumerLedgers owner;

	final @Nullable PartitionLedger ledger;

	// Where it goes back when it ends, in queue mode; else null.
	final @Nullable ShareAcknowledger acknowledger;

	// How often it was delivered, this time included: 1 but in queue mode, where the broker counts.
	final int deliveryCount;

	// Whether this is the last delivery the share group allows: answered with an error reply.
	final boolean lastDelivery;

	// Its request-reply headers, or null when they could not be read (unreadable says why).
	final @Nullable RequestHeaders headers;

	final @Nullable WireFormatException unreadable;

	final long receivedNanos = System.nanoTime();

	// The consumer thread's MDC when the record was taken in hand (null when empty), for the call.
	final Map<String, String> mdc = MDC.getCopyOfContextMap();

	// When the engine ends it without a deadline of its own (nanoTime), else Long.MAX_VALUE.
	final long handlingEndNanos;

	private final AtomicInteger state = new AtomicInteger(ACTIVE);

	// Ended, and its worker done (or never to run): both release its turn in its lane.
	private final AtomicInteger holds = new AtomicInteger(2);

	private final AtomicInteger taken = new AtomicInteger();

	private final AtomicInteger exceeding = new AtomicInteger();

	volatile long queuedNanos;

	volatile @Nullable HandlerCallContext context;

	volatile @Nullable StreamReplier stream;

	// Set once when its handler's core took it (a consumer group), else null.
	volatile @Nullable CoreTicket ticket;

	private final AtomicReference<Observation> observation = new AtomicReference<>();

	volatile long endedNanos;

	// Guarded by this: the thread running the method (or iterating its result), or null.
	private @Nullable Thread methodThread;

	private boolean overrunReported;

	// Guarded by this: its handler's core stopped its call; the method never starts after that.
	private boolean halted;

	// Its last reply could not be committed: its offset stays unfinished, for the next owner.
	private volatile boolean keepUnfinished;

	InHandRequest(ConsumerRecord<byte[], byte[]> record, ConsumerLedgers owner, @Nullable PartitionLedger ledger,
			@Nullable RequestHeaders headers, @Nullable WireFormatException unreadable, long maxHandlingNanos) {
		this(record, owner, ledger, null, 1, false, headers, unreadable, maxHandlingNanos);
	}

	/**
	 * A request read in a share group.
	 */
	InHandRequest(ConsumerRecord<byte[], byte[]> record, ShareAcknowledger acknowledger, int deliveryCount,
			boolean lastDelivery, @Nullable RequestHeaders headers, @Nullable WireFormatException unreadable,
			long maxHandlingNanos) {
		this(record, null, null, acknowledger, deliveryCount, lastDelivery, headers, unreadable, maxHandlingNanos);
	}

	private InHandRequest(ConsumerRecord<byte[], byte[]> record, @Nullable ConsumerLedgers owner,
			@Nullable PartitionLedger ledger, @Nullable ShareAcknowledger acknowledger, int deliveryCount,
			boolean lastDelivery, @Nullable RequestHeaders headers, @Nullable WireFormatException unreadable,
			long maxHandlingNanos) {
		this.record = record;
		this.owner = owner;
		this.ledger = ledger;
		this.acknowledger = acknowledger;
		this.deliveryCount = deliveryCount;
		this.lastDelivery = lastDelivery;
		this.headers = headers;
		this.unreadable = unreadable;
		boolean deadline = headers != null && headers.deadlineMillis() != RequestHeaders.NO_DEADLINE;
		// Bounded so that the sum cannot overflow, whatever the setting.
		this.handlingEndNanos = deadline ? Long.MAX_VALUE
				: this.receivedNanos + Math.min(maxHandlingNanos, Long.MAX_VALUE / 4);
	}

	// Return the consumer that took it; only for a request read in a consumer group.
	ConsumerLedgers owner() {
		return Objects.requireNonNull(this.owner, "A request read in a share group has no consumer ledgers");
	}

	// Return its partition's ledger; only for a request read in a consumer group.
	PartitionLedger ledger() {
		return Objects.requireNonNull(this.ledger, "A request read in a share group has no partition ledger");
	}

	long deadlineMillis() {
		return (this.headers != null) ? this.headers.deadlineMillis() : RequestHeaders.NO_DEADLINE;
	}

	/**
	 * Take it for running; {@code false} when it ended before its turn came (or was taken).
	 */
	boolean take() {
		return this.taken.compareAndSet(0, 1);
	}

	/**
	 * Keep it from ever running, unless it was taken already: then its worker only finds it
	 * taken, and its hold on its lane's turn goes with this call.
	 * @return whether it had not been taken (its method will never run)
	 */
	boolean claim() {
		if (take()) {
			this.holds.decrementAndGet();
			return true;
		}
		return false;
	}

	boolean isTaken() {
		return this.taken.get() != 0;
	}

	/**
	 * Mark it as being ended for its max handling time.
	 * @return whether this call marked it
	 */
	boolean markExceeded() {
		return this.exceeding.compareAndSet(0, 1);
	}

	boolean isEnded() {
		return this.state.get() == ENDED;
	}

	boolean isStreaming() {
		return this.state.get() == STREAMING;
	}

	// Start sending its stream of replies: the watchdog may still stop it.
	boolean beginStream() {
		return this.state.compareAndSet(ACTIVE, STREAMING);
	}

	/**
	 * Start sending its one reply (or the end of its stream): from then on only the send ends it.
	 * @return {@code false} when it ended, or another reply is on its way
	 */
	boolean beginReply() {
		return this.state.compareAndSet(ACTIVE, REPLYING) || this.state.compareAndSet(STREAMING, REPLYING);
	}

	/**
	 * End it.
	 * @param always whether it ends whatever its state; else only while no reply is on its way
	 * @return whether this call ended it
	 */
	boolean end(boolean always) {
		while (true) {
			int current = this.state.get();
			if (current == ENDED || (!always && current == REPLYING)) {
				return false;
			}
			if (this.state.compareAndSet(current, ENDED)) {
				this.endedNanos = System.nanoTime();
				claim();
				return true;
			}
		}
	}

	/**
	 * Release one hold on its turn in its lane.
	 * @return whether it was the last: the next request of its lane may run
	 */
	boolean release() {
		return this.holds.decrementAndGet() == 0;
	}

	// Observe it: the observation stops when it ends (at once if it ended already).
	void observe(Observation started) {
		this.observation.set(started);
		if (isEnded()) {
			stopObservation();
		}
	}

	// Its observation while it runs, so that its reply, sent by the handler's loop, belongs to it.
	@Nullable Observation observation() {
		return this.observation.get();
	}

	void stopObservation() {
		Observation started = this.observation.getAndSet(null);
		if (started != null) {
			started.stop();
		}
	}

	/**
	 * Enter its method on the calling thread, unless it ended or its reply is on its way (the
	 * watchdog ended it while its thread prepared the call): a method never starts after that.
	 * @return whether the method may run; then call {@link #exitMethod()} once it returns
	 */
	synchronized boolean enterMethod() {
		if (this.state.get() != ACTIVE || this.halted) {
			return false;
		}
		this.methodThread = Thread.currentThread();
		return true;
	}

	/**
	 * Its method started: its partition's ledger notes when (with transactions).
	 * @return whether the partition's previous owner had started it too: this is a second run
	 */
	boolean methodStarted() {
		return this.ledger != null && this.ledger.start(this.record.offset());
	}

	void exitMethod() {
		synchronized (this) {
			this.methodThread = null;
		}
		// An interrupt meant for the method must not reach the library's code after it.
		Thread.interrupted();
	}

	/**
	 * Keep the method from starting from now on (one that runs is then stopped as
	 * {@link RequestEndings#stop} does: its context cancelled first, then the interrupt).
	 */
	synchronized void halt() {
		this.halted = true;
	}

	// Interrupt the method if it still runs.
	synchronized void interruptMethod() {
		if (this.methodThread != null) {
			this.methodThread.interrupt();
		}
	}

	// Return the thread of a method still running after its request ended, once.
	synchronized @Nullable Thread overrunOnce() {
		if (this.methodThread == null || this.overrunReported) {
			return null;
		}
		this.overrunReported = true;
		return this.methodThread;
	}

	synchronized boolean methodRunning() {
		return this.methodThread != null;
	}

	void keepUnfinished() {
		this.keepUnfinished = true;
	}

	boolean keepsUnfinished() {
		return this.keepUnfinished;
	}

	String position() {
		return this.record.topic() + "-" + this.record.partition() + "@" + this.record.offset();
	}

}
