package dev.requestreply.responder;

import java.time.Duration;

import dev.requestreply.handler.HandlerCallContext;
import dev.requestreply.handler.HandlingTimeExceededException;
import dev.requestreply.handler.ReplyHandlerOutcome;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.support.LogThrottle;

import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * How a request in hand ends when it does not end with its reply: cancelled by its requester,
 * stopped by the watchdog at its deadline or after the handler's max handling time, or abandoned
 * at shutdown and on a partition taken away. Each frees the request's place in its partition at
 * once (but an abandoned one, which is handled again by the partition's next owner) and keeps a
 * request that has not started from ever starting. For one that has, its context is marked
 * cancelled at once, then its {@code onCancel} actions run on a handler thread (they are user
 * code), and only then is its method interrupted, so that a method woken by the interrupt sees
 * why; a future or stream it returned is cancelled with it. The max handling time is logged at
 * INFO, at the first request it ends and then at most once a minute, with the number ended. A
 * request still running when its partition is taken away ends as cancelled too
 * ({@link Revocations}).
 */
final class RequestEndings {

	private static final LogAccessor logger = new LogAccessor(RequestEndings.class);

	private final String handlerId;

	private final RequestsInHand requests;

	private final HandlerFigures figures;

	private final HandlerExecutor executor;

	private final ReplySender sender;

	private final Duration maxHandlingTime;

	private final LogThrottle exceededLog = new LogThrottle(Duration.ofMinutes(1));

	// The owner of the requests of a handler in a consumer group without transactions, else null.
	private final @Nullable HandlerCore core;

	RequestEndings(String handlerId, RequestsInHand requests, HandlerFigures figures, HandlerExecutor executor,
			ReplySender sender, Duration maxHandlingTime, @Nullable HandlerCore core) {
		this.handlerId = handlerId;
		this.requests = requests;
		this.figures = figures;
		this.executor = executor;
		this.sender = sender;
		this.maxHandlingTime = maxHandlingTime;
		this.core = core;
	}

	/**
	 * Its reply (or the end of its stream) was sent, or it ended without one for a reason already
	 * counted.
	 */
	void done(InHandRequest request) {
		this.requests.end(request, true, true);
	}

	/**
	 * Its requester gave up (a cancel record arrived); called on the thread that read it.
	 */
	void cancelled(InHandRequest request) {
		if (this.core != null && request.ticket != null) {
			// Its core decides.
			this.core.post(request, TicketEvent.CANCEL);
			return;
		}
		if (!request.isTaken() && request.headers != null && request.headers.expiredAt(System.currentTimeMillis())) {
			// Its deadline had passed before its turn came: it would have been skipped as expired.
			expired(request);
			return;
		}
		if (this.requests.end(request, false, true)) {
			this.figures.skipped(ReplyHandlerStats.Event.CANCELLED);
			stop(request);
		}
	}

	/**
	 * Its deadline passed while in hand: nobody waits for its reply any more.
	 */
	void expired(InHandRequest request) {
		if (this.requests.end(request, false, true)) {
			this.figures.outcome(request.record.topic(), ReplyHandlerOutcome.EXPIRED, request.receivedNanos);
			logger.debug(() -> "Request at " + request.position() + " ended at its deadline");
			stop(request);
		}
	}

	/**
	 * It has no deadline and reached the max handling time: ended with an error reply. Called on
	 * the watchdog's thread, which keeps it from starting if it has not; the rest (a reply to
	 * send) runs on a handler thread.
	 */
	void exceeded(InHandRequest request) {
		request.claim();
		this.executor.urgent(() -> exceed(request));
	}

	private void exceed(InHandRequest request) {
		HandlingTimeExceededException failure = exceededFailure();
		StreamReplier stream = request.stream;
		if (stream != null && request.isStreaming()) {
			stream.terminate(failure, ReplyHandlerOutcome.EXPIRED);
			stop(request);
			logExceeded(request);
			return;
		}
		if (request.headers == null) {
			// Unreadable: no error reply can be addressed.
			expired(request);
			return;
		}
		if (!request.beginReply()) {
			return;
		}
		this.figures.outcome(request.record.topic(), ReplyHandlerOutcome.EXPIRED, request.receivedNanos);
		logExceeded(request);
		stop(request);
		ReplyAddress address = new ReplyAddress(request.headers, request.record.key(), request.record.topic(),
				request.receivedNanos, request.context);
		this.sender.reply(request, address, null, failure, () -> done(request));
	}

	// The error of a request ended for its max handling time.
	HandlingTimeExceededException exceededFailure() {
		return new HandlingTimeExceededException("The request was in hand for " + this.maxHandlingTime
				+ ", its handler's max handling time (request-reply.handler.max-handling-time)");
	}

	void logExceeded(InHandRequest request) {
		long count = this.exceededLog.occurred();
		if (count > 0) {
			logger.info(() -> "@ReplyHandler " + this.handlerId + ": " + count + " request(s) without a deadline "
					+ "still in hand after its max handling time of " + this.maxHandlingTime + " got a DEADLINE_EXCEEDED "
					+ "error reply, their calls cancelled (latest at " + request.position() + "; "
					+ this.exceededLog.total() + " since start; this line at most once a minute). For calls that take "
					+ "this long, raise request-reply.handler.max-handling-time or @ReplyHandler(maxHandlingTime), or "
					+ "have the callers send a deadline");
		}
		else {
			logger.debug(() -> "Request at " + request.position() + " ended after the max handling time");
		}
	}

	/**
	 * It is left unfinished (shutdown, or its partition was taken away): handled again elsewhere.
	 */
	void abandoned(InHandRequest request) {
		if (this.requests.end(request, true, false)) {
			stop(request);
		}
	}

	/**
	 * Its partition was taken away while it ran (lost, or revoked and the grace passed): it ends
	 * as cancelled, without a reply, unfinished, for the partition's next owner.
	 * @return whether this call ended it (else it had ended, or its reply is on its way)
	 */
	boolean revoked(InHandRequest request) {
		if (this.requests.end(request, false, false)) {
			stop(request);
			return true;
		}
		return false;
	}

	// Its call stops: context cancelled, onCancel actions on a handler thread, then the interrupt.
	void stop(InHandRequest request) {
		this.sender.discard(request);
		HandlerCallContext context = request.context;
		Runnable actions = (context != null) ? context.markCancelled() : null;
		if (actions == null) {
			request.interruptMethod();
			return;
		}
		this.executor.urgent(() -> {
			try {
				actions.run();
			}
			finally {
				request.interruptMethod();
			}
		});
	}

}
