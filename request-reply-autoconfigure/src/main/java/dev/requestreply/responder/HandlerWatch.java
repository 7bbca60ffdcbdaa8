package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.wire.RequestHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * What the watchdog checks of one handler: each request in hand is ended at its deadline, or,
 * without one, once it reached the handler's max handling time; each call still running well
 * after its request ended is logged with its stack, once, and counted.
 */
final class HandlerWatch {

	/**
	 * How long a call may go on after its request ended before it is reported as an overrun.
	 */
	static final Duration OVERRUN_AFTER = Duration.ofSeconds(10);

	private static final LogAccessor logger = new LogAccessor(HandlerWatch.class);

	private final String handlerId;

	private final RequestsInHand requests;

	private final RequestEndings endings;

	private final HandlerExecutor executor;

	private final ReplyHandlerStats stats;

	// The owner of the requests of a handler in a consumer group without transactions, else null.
	private final @Nullable HandlerCore core;

	HandlerWatch(String handlerId, RequestsInHand requests, RequestEndings endings, HandlerExecutor executor,
			ReplyHandlerStats stats) {
		this(handlerId, requests, endings, executor, stats, null);
	}

	HandlerWatch(String handlerId, RequestsInHand requests, RequestEndings endings, HandlerExecutor executor,
			ReplyHandlerStats stats, @Nullable HandlerCore core) {
		this.handlerId = handlerId;
		this.requests = requests;
		this.endings = endings;
		this.executor = executor;
		this.stats = stats;
		this.core = core;
	}

	/**
	 * Check every request in hand, on the watchdog's thread: what ends them there only changes
	 * their state; what may take long (a reply to send, user code) runs on a handler thread.
	 */
	void check(long nowMillis, long nowNanos) {
		this.executor.tick();
		HandlerCore owner = this.core;
		List<InHandRequest> running = new ArrayList<>();
		for (InHandRequest request : this.requests.all()) {
			long deadline = request.deadlineMillis();
			if (owner != null && request.ticket != null) {
				// Its core decides: the watchdog only tells it, once; first of those not started, so
				// that a call the core stops cannot free a thread for one ending in the same check.
				CoreTicket ticket = request.ticket;
				long started = ticket.methodStartNanos;
				if (started != 0 && !ticket.runningLongTold && nowNanos - started >= PartitionLedger.MARK_AFTER_NANOS) {
					// Its method has run long: its commits name it as started from now on.
					ticket.runningLongTold = true;
					owner.post(request, TicketEvent.RUNNING_LONG);
				}
				if (((deadline != RequestHeaders.NO_DEADLINE) ? nowMillis > deadline
						: nowNanos - request.handlingEndNanos >= 0) && request.markExceeded()) {
					if (request.isTaken()) {
						running.add(request);
					}
					else {
						tell(owner, request);
					}
				}
				continue;
			}
			if (deadline != RequestHeaders.NO_DEADLINE) {
				if (nowMillis > deadline) {
					this.endings.expired(request);
				}
			}
			else if (nowNanos - request.handlingEndNanos >= 0 && request.markExceeded()) {
				this.endings.exceeded(request);
			}
		}
		if (owner != null) {
			running.forEach((request) -> tell(owner, request));
			owner.loop().check(nowNanos);
		}
		for (InHandRequest request : this.requests.overrunning()) {
			if (!request.methodRunning()) {
				this.requests.overrunning().remove(request);
			}
			else if (nowNanos - request.endedNanos >= OVERRUN_AFTER.toNanos()) {
				Thread thread = request.overrunOnce();
				if (thread != null) {
					this.stats.record(ReplyHandlerStats.Event.OVERRUN);
					String stack = Arrays.stream(thread.getStackTrace())
						.map((frame) -> "\tat " + frame)
						.collect(Collectors.joining("\n"));
					logger.warn(() -> "Handler " + this.handlerId + " still runs " + OVERRUN_AFTER.toSeconds()
							+ " s after its request at " + request.position() + " ended (thread '" + thread.getName()
							+ "' was interrupted, and counts against the handler's max concurrency until it returns):\n"
							+ stack);
				}
			}
		}
	}

	private static void tell(HandlerCore owner, InHandRequest request) {
		owner.post(request, (request.deadlineMillis() != RequestHeaders.NO_DEADLINE) ? TicketEvent.DEADLINE
				: TicketEvent.MAX_HANDLING_TIME);
	}

}
