package dev.requestreply.responder;

import java.util.List;

import dev.requestreply.handler.ReplyHandlerOutcome;
import dev.requestreply.responder.core.RequestRef;
import org.jspecify.annotations.Nullable;

/**
 * What a request handed to its handler's core carries besides the engine's state: its delivery
 * as the core knows it, whether its worker won its claim and told the core that its method
 * returned, and the reply its worker made, which goes out only when the core says so
 * ({@link CoreActions}).
 */
final class CoreTicket {

	final RequestRef ref;

	// Its worker told the core that the method returned: what ends it later is a Completed.
	volatile boolean returnedTold;

	volatile @Nullable Prepared prepared;

	// Its worker told the core it is done with it (skipped, threw, returned).
	volatile boolean workerTold;

	// Its worker won its claim (its method runs); the core is told with what ends the call.
	volatile boolean claimed;

	// The loop's only: the core was told of its arrival; of its claim (won or lost); what came
	// before its arrival was told (a cancel, a deadline), to tell after it.
	boolean fed;

	boolean startedFed;

	@Nullable List<TicketEvent> early;

	// When its method started (nanoTime, never 0), 0 before: for the watchdog's started mark.
	volatile long methodStartNanos;

	// The watchdog's thread only: it told the core that the method has run long.
	boolean runningLongTold;

	CoreTicket(RequestRef ref) {
		this.ref = ref;
	}

	/**
	 * A reply made by a worker (or the thread completing its future), not sent yet.
	 * @param address where it goes
	 * @param value its value, or {@code null} for an error reply or a replay
	 * @param failure the failure of an error reply, else {@code null}
	 * @param outcome how it counts once it goes
	 * @param remembered the reply remembered for an earlier delivery to send again, else {@code null}
	 */
	record Prepared(ReplyAddress address, byte @Nullable [] value, @Nullable Throwable failure,
			ReplyHandlerOutcome outcome, IdempotencyWindow.@Nullable Remembered remembered) {

	}

}
