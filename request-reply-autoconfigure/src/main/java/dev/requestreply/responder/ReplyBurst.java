package dev.requestreply.responder;

import java.util.ArrayList;
import java.util.List;

/**
 * The replies a handler thread sends while it takes queued requests one after the other, held
 * back and sent together once the queue is empty (or {@value #MAX_HELD} are held). Sent as they
 * are made, the first reply wakes the producer's sender, which leaves with it alone while the
 * thread handles the next request; sent together, they fill few produce requests. Only while the
 * handler is quick: the replies of a handler that blocks are sent at once.
 */
final class ReplyBurst {

	static final int MAX_HELD = 64;

	private static final ThreadLocal<List<Runnable>> held = new ThreadLocal<>();

	private ReplyBurst() {
	}

	/**
	 * Start holding the sends of this thread.
	 */
	static void begin() {
		held.set(new ArrayList<>());
	}

	/**
	 * Hold a send until {@link #flush()}, if this thread holds sends.
	 * @param send the send
	 * @return whether it is held (else the caller sends now)
	 */
	static boolean hold(Runnable send) {
		List<Runnable> sends = held.get();
		if (sends == null) {
			return false;
		}
		sends.add(send);
		if (sends.size() >= MAX_HELD) {
			flush(sends);
		}
		return true;
	}

	/**
	 * Send what is held, and go on holding.
	 */
	static void flush() {
		List<Runnable> sends = held.get();
		if (sends != null) {
			flush(sends);
		}
	}

	/**
	 * Send what is held, and stop holding.
	 */
	static void end() {
		List<Runnable> sends = held.get();
		held.remove();
		if (sends != null) {
			flush(sends);
		}
	}

	private static void flush(List<Runnable> sends) {
		List<Runnable> now = List.copyOf(sends);
		sends.clear();
		now.forEach(Runnable::run);
	}

}
