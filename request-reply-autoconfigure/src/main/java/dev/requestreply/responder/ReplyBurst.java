package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The replies a handler thread sends while it takes queued requests one after the other, held
 * back and sent together once the queue is empty (or {@value #MAX_HELD} are held). Sent as they
 * are made, the first reply wakes the producer's sender, which leaves with it alone while the
 * thread handles the next request; sent together, they fill few produce requests. Only while the
 * handler is quick: the replies of a handler that blocks are sent at once. A reply is held
 * {@link #MAX_HOLD} at most while its thread goes on: should the next call block, the watchdog
 * takes what is held longer ({@link #takeStale(long)}) and has it sent on another thread.
 */
final class ReplyBurst {

	static final int MAX_HELD = 64;

	/**
	 * How long a held reply may wait for its thread before another sends it.
	 */
	static final Duration MAX_HOLD = Duration.ofMillis(5);

	private static final long MAX_HOLD_NANOS = MAX_HOLD.toNanos();

	private static final ThreadLocal<ReplyBurst> current = new ThreadLocal<>();

	// Guarded by this.
	private List<Runnable> held = new ArrayList<>();

	// Guarded by this: when the first of those held was held.
	private long heldSinceNanos;

	private ReplyBurst() {
	}

	/**
	 * Start holding the sends of this thread.
	 * @return the burst of this thread
	 */
	static ReplyBurst begin() {
		ReplyBurst burst = new ReplyBurst();
		current.set(burst);
		return burst;
	}

	/**
	 * Hold a send until it is flushed, if this thread holds sends.
	 * @param send the send
	 * @return whether it is held (else the caller sends now)
	 */
	static boolean hold(Runnable send) {
		ReplyBurst burst = current.get();
		if (burst == null) {
			return false;
		}
		List<Runnable> full = null;
		synchronized (burst) {
			if (burst.held.isEmpty()) {
				burst.heldSinceNanos = System.nanoTime();
			}
			burst.held.add(send);
			if (burst.held.size() >= MAX_HELD) {
				full = burst.take();
			}
		}
		if (full != null) {
			send(full);
		}
		return true;
	}

	/**
	 * Send what is held, and go on holding; on the thread that holds.
	 */
	void flush() {
		List<Runnable> sends;
		synchronized (this) {
			sends = take();
		}
		send(sends);
	}

	/**
	 * Send what is held, and stop holding; on the thread that holds.
	 */
	void end() {
		current.remove();
		flush();
	}

	/**
	 * Take the sends held {@link #MAX_HOLD} or longer, for another thread to send: the thread that
	 * holds them is busy with a call that takes long.
	 * @param nowNanos the current {@link System#nanoTime()}
	 * @return the sends taken (to run with {@link #send(List)}), or {@code null} if none is due
	 */
	@Nullable List<Runnable> takeStale(long nowNanos) {
		synchronized (this) {
			return (!this.held.isEmpty() && nowNanos - this.heldSinceNanos >= MAX_HOLD_NANOS) ? take() : null;
		}
	}

	// Guarded by this.
	private List<Runnable> take() {
		if (this.held.isEmpty()) {
			return List.of();
		}
		List<Runnable> taken = this.held;
		this.held = new ArrayList<>();
		return taken;
	}

	static void send(List<Runnable> sends) {
		sends.forEach(Runnable::run);
	}

}
