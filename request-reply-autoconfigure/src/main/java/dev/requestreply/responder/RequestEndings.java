package dev.requestreply.responder;

import java.time.Duration;

import dev.requestreply.handler.HandlerCallContext;
import dev.requestreply.handler.HandlingTimeExceededException;
import dev.requestreply.handler.ReplyHandlerOutcome;
import dev.requestreply.handler.ReplyHandlerStats;

import org.springframework.core.log.LogAccessor;

/**
 * How a request in hand ends when it does not end with its reply: cancelled by its requester,
 * stopped by the watchdog at its deadline or after the handler's max handling time, or abandoned
 * at shutdown and on a partition taken away. Each frees the request's place in its partition at
 * once (but an abandoned one, which is handled again by the partition's next owner), cancels its
 * context (on a handler thread: its {@code onCancel} actions are user code), cancels a future or
 * stream it returned and interrupts its method if still running.
 */
final class RequestEndings {

	private static final LogAccessor logger = new LogAccessor(RequestEndings.class);

	private final RequestsInHand requests;

	private final HandlerFigures figures;

	private final HandlerExecutor executor;

	private final ReplySender sender;

	private final Duration maxHandlingTime;

	RequestEndings(RequestsInHand requests, HandlerFigures figures, HandlerExecutor executor, ReplySender sender,
			Duration maxHandlingTime) {
		this.requests = requests;
		this.figures = figures;
		this.executor = executor;
		this.sender = sender;
		this.maxHandlingTime = maxHandlingTime;
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
	 * It has no deadline and reached the max handling time: ended with an error reply.
	 */
	void exceeded(InHandRequest request) {
		HandlingTimeExceededException failure = new HandlingTimeExceededException("The request was in hand for "
				+ this.maxHandlingTime + ", its handler's max handling time (request-reply.handler.max-handling-time)");
		StreamReplier stream = request.stream;
		if (stream != null && request.isStreaming()) {
			stream.terminate(failure, ReplyHandlerOutcome.EXPIRED);
			stop(request);
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
		logger.debug(() -> "Request at " + request.position() + " ended after the max handling time");
		stop(request);
		ReplyAddress address = new ReplyAddress(request.headers, request.record.key(), request.record.topic(),
				request.receivedNanos, request.context);
		this.sender.reply(request, address, null, failure, () -> done(request));
	}

	/**
	 * It is left unfinished (shutdown, or its partition was taken away): handled again elsewhere.
	 */
	void abandoned(InHandRequest request) {
		if (this.requests.end(request, true, false)) {
			stop(request);
		}
	}

	private void stop(InHandRequest request) {
		this.sender.discard(request);
		request.interruptMethod();
		HandlerCallContext context = request.context;
		if (context != null) {
			this.executor.urgent(context::cancel);
		}
	}

}
