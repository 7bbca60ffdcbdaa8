package dev.requestreply.handler;

import java.util.ArrayList;
import java.util.List;

/**
 * The single replies a consumer's thread produces while it hands one poll to the handler, held
 * back and sent one after the other once the whole poll was handed out. Sent as they are made, the
 * first reply wakes the producer's sender, which leaves with it alone while the handler works on
 * the next request; sent together, they fill few produce requests. Stream parts are never held (a
 * stream may wait for its earlier parts to be sent).
 */
final class ReplyBurst {

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
		return true;
	}

	/**
	 * Send what was held, and stop holding.
	 */
	static void flush() {
		List<Runnable> sends = held.get();
		held.remove();
		if (sends != null) {
			sends.forEach(Runnable::run);
		}
	}

}
