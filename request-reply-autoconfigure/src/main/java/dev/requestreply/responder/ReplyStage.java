package dev.requestreply.responder;

import java.util.concurrent.CompletableFuture;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.handler.HandlerInvoker;
import dev.requestreply.handler.ReplyHandlerOutcome;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Turns what a handler's method returned into its reply: the value a returned future completes
 * with, the elements of a stream for a request that wants one reply, or a stream of replies.
 * Whatever fails after the method returned (a future that fails, a lazy stream that throws, a
 * value that does not convert) ends the request with an error reply; a request that ended
 * meanwhile (cancelled, stopped by the watchdog) gets no reply. A request whose reply is made
 * after its method returned (a future, a suspended coroutine, a publisher) counts against its
 * handler's {@code maxConcurrency} until it is made, or until the request ended.
 */
final class ReplyStage {

	private static final LogAccessor logger = new LogAccessor(ReplyStage.class);

	private static final CompletableFuture<?> MADE = CompletableFuture.completedFuture(null);

	private final String handlerId;

	private final ReplySender sender;

	private final PayloadConverter converter;

	private final HandlerFigures figures;

	private final RequestEndings endings;

	private final HandlerExecutor executor;

	// The owner of the requests of a handler in a consumer group without transactions, else null.
	private final @Nullable HandlerCore core;

	ReplyStage(String handlerId, ReplySender sender, PayloadConverter converter, HandlerFigures figures,
			RequestEndings endings, HandlerExecutor executor, @Nullable HandlerCore core) {
		this.handlerId = handlerId;
		this.sender = sender;
		this.converter = converter;
		this.figures = figures;
		this.endings = endings;
		this.executor = executor;
		this.core = core;
	}

	// The core of the request's handler, when it decides the request's reply.
	private @Nullable HandlerCore core(InHandRequest request) {
		return (request.ticket != null) ? this.core : null;
	}

	/**
	 * Reply with what the method returned, once it completes (on the thread that completes it);
	 * called on the request's worker, right after the method returned.
	 */
	void reply(InHandRequest request, ReplyAddress address, CompletableFuture<Object> result) {
		CompletableFuture<?> made = result.handle((value, ex) -> reply(request, address, value, ex))
			.thenCompose((replying) -> replying);
		if (made.isDone()) {
			return;
		}
		CompletableFuture<Void> settled = new CompletableFuture<>();
		made.whenComplete((done, ex) -> settled.complete(null));
		if (address.context() != null) {
			// Ended (cancelled, stopped by the watchdog): whatever its call still does, it has no reply.
			address.context().onCancel(() -> settled.complete(null));
		}
		this.executor.countUntil(settled);
	}

	// Returns a future completed once the reply is made (sent, or on its way).
	private CompletableFuture<?> reply(InHandRequest request, ReplyAddress address, Object value,
			@Nullable Throwable ex) {
		try {
			if (ex != null) {
				failed(request, address, HandlerInvoker.unwrap(ex), ReplyHandlerOutcome.ERROR);
				return MADE;
			}
			if (address.stream()) {
				return stream(request, address, value);
			}
			return HandlerInvoker.single(value, address.context()).handle((single, failure) -> {
				single(request, address, single, failure);
				return null;
			});
		}
		catch (Throwable failure) {
			failed(request, address, failure, ReplyHandlerOutcome.ERROR);
			return MADE;
		}
	}

	private void single(InHandRequest request, ReplyAddress address, Object value, Throwable failure) {
		byte[] bytes;
		try {
			if (failure != null) {
				throw failure;
			}
			bytes = this.converter.toBytes(value);
		}
		catch (Throwable ex) {
			failed(request, address, HandlerInvoker.unwrap(ex), ReplyHandlerOutcome.ERROR);
			return;
		}
		HandlerCore owner = core(request);
		if (owner != null) {
			owner.made(request, new CoreTicket.Prepared(address, bytes, null, ReplyHandlerOutcome.SUCCESS, null), null);
		}
		else if (request.beginReply()) {
			this.figures.outcome(address, ReplyHandlerOutcome.SUCCESS);
			this.sender.reply(request, address, bytes, null, () -> this.endings.done(request));
		}
	}

	private CompletableFuture<?> stream(InHandRequest request, ReplyAddress address, Object value) {
		if (!request.beginStream()) {
			return MADE;
		}
		HandlerCore owner = core(request);
		// Streams keep their own path: the end of the stream (sent by it) ends the request.
		Runnable whenDone = (owner != null) ? () -> owner.post(request, TicketEvent.SKIPPED)
				: () -> this.endings.done(request);
		StreamReplier replier = new StreamReplier(request, address, this.sender, this.converter, this.figures,
				whenDone, this.executor::urgent);
		request.stream = replier;
		replier.start(value);
		return replier.terminated();
	}

	/**
	 * End the request with an error reply (unless it ended, or its reply is on its way).
	 * @param outcome how it is counted: {@code ERROR}, or {@code MALFORMED} for a request that
	 * could not be read
	 */
	void failed(InHandRequest request, ReplyAddress address, Throwable failure, ReplyHandlerOutcome outcome) {
		HandlerCore owner = core(request);
		if (owner != null) {
			owner.made(request, new CoreTicket.Prepared(address, null, failure, outcome, null),
					ErrorCodeMapping.codeOf(failure));
			return;
		}
		if (!request.beginReply()) {
			return;
		}
		this.figures.outcome(address, outcome);
		logger.debug(failure, () -> "Handler " + this.handlerId + " failed on " + request.position()
				+ "; sending an error reply");
		this.sender.reply(request, address, null, failure, () -> this.endings.done(request));
	}

	/**
	 * Send a remembered reply again, for a request answered before on this instance.
	 * @return whether one was remembered
	 */
	boolean replay(InHandRequest request, ReplyAddress address) {
		IdempotencyWindow.Remembered remembered = this.sender.remembered(address);
		if (remembered == null) {
			return false;
		}
		HandlerCore owner = core(request);
		if (owner != null) {
			owner.made(request, new CoreTicket.Prepared(address, null, null, ReplyHandlerOutcome.REPLAYED, remembered),
					null);
		}
		else if (request.beginReply()) {
			this.figures.outcome(address, ReplyHandlerOutcome.REPLAYED);
			this.sender.replay(request, address, remembered, () -> this.endings.done(request));
		}
		return true;
	}

}
