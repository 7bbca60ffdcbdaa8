package dev.requestreply;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;

/**
 * A gate for a test handler: the handler calls {@link #pass()}, which counts the call and, while
 * the gate is {@linkplain #hold() held}, waits until it is {@linkplain #release() released} (at most
 * {@link #MAX_WAIT}, so that no handler thread is stuck after a failed test). Open when created.
 */
public final class TestGate {

	/**
	 * The longest a call waits at a held gate, and the longest a test waits for calls to arrive.
	 */
	public static final Duration MAX_WAIT = Duration.ofSeconds(30);

	private final AtomicInteger arrived = new AtomicInteger();

	private final AtomicInteger waiting = new AtomicInteger();

	private volatile CountDownLatch latch = new CountDownLatch(0);

	/**
	 * Hold the calls that pass from now on, until {@link #release()}.
	 */
	public void hold() {
		this.latch = new CountDownLatch(1);
	}

	/**
	 * Let the held calls go on, and the later ones pass.
	 */
	public void release() {
		this.latch.countDown();
	}

	/**
	 * Called by the handler: count the call and wait while the gate is held.
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void pass() throws InterruptedException {
		this.arrived.incrementAndGet();
		this.waiting.incrementAndGet();
		try {
			this.latch.await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		finally {
			this.waiting.decrementAndGet();
		}
	}

	/**
	 * Return how many calls passed or wait at the gate so far.
	 */
	public int arrived() {
		return this.arrived.get();
	}

	/**
	 * Return how many calls wait at the gate now.
	 */
	public int waiting() {
		return this.waiting.get();
	}

	/**
	 * Wait until at least the given number of calls arrived in all.
	 */
	public void awaitArrived(int calls) {
		Awaitility.await().atMost(MAX_WAIT).until(() -> this.arrived.get() >= calls);
	}

	/**
	 * Wait until exactly the given number of calls wait at the gate.
	 */
	public void awaitWaiting(int calls) {
		Awaitility.await().atMost(MAX_WAIT).until(() -> this.waiting.get() == calls);
	}

}
