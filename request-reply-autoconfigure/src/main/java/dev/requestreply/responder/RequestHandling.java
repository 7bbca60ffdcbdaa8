package dev.requestreply.responder;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.requestreply.handler.DeliveryLimitReachedException;
import dev.requestreply.handler.HandlerCallContext;
import dev.requestreply.handler.HandlerInvoker;
import dev.requestreply.handler.MalformedRequestException;
import dev.requestreply.handler.ReplyHandlerOutcome;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.wire.MalformedHeaderException;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.UnaddressableRequestException;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

import org.springframework.core.log.LogAccessor;

/**
 * Handles one request on a handler thread, once its turn came: checks what it names (reply
 * address, deadline, reply topic, an earlier cancel, a remembered reply), reads its arguments and
 * calls the method, with the request observed (so a tracer continues the requester's trace), the
 * MDC of the consumer thread that took it in hand, and its {@code ReplyContext} current. A request that cannot be handled is counted and ends at once,
 * with an error reply when one can be addressed.
 */
final class RequestHandling {

	private static final LogAccessor logger = new LogAccessor(RequestHandling.class);

	private static final int MAX_LOGGED_CAUSES = 100;

	private final String handlerId;

	private final HandlerInvoker invoker;

	private final ReplyTopicGuard replyTopicGuard;

	private final ReplyTopics replyTopics;

	private final RequestsInHand requests;

	private final HandlerFigures figures;

	private final ReplyStage replies;

	private final RequestEndings endings;

	private final HandlerObservations observations;

	// The owner of the requests of a handler in a consumer group without transactions, else null.
	private final @Nullable HandlerCore core;

	private final Set<String> loggedCauses = ConcurrentHashMap.newKeySet();

	RequestHandling(String handlerId, HandlerInvoker invoker, ReplyTopicGuard replyTopicGuard,
			ReplyTopics replyTopics, RequestsInHand requests, HandlerFigures figures, ReplyStage replies,
			RequestEndings endings, HandlerObservations observations, @Nullable HandlerCore core) {
		this.handlerId = handlerId;
		this.invoker = invoker;
		this.replyTopicGuard = replyTopicGuard;
		this.replyTopics = replyTopics;
		this.requests = requests;
		this.figures = figures;
		this.replies = replies;
		this.endings = endings;
		this.observations = observations;
		this.core = core;
	}

	/**
	 * Handle a request whose turn came, on the calling handler thread.
	 */
	void run(InHandRequest request) {
		HandlerCore owner = (request.ticket != null) ? this.core : null;
		if (!request.take()) {
			// Ended before its turn came (cancelled, expired, its partition taken away).
			if (owner != null) {
				owner.post(request, TicketEvent.SKIPPED_BY_WITHDRAWAL);
			}
			else {
				this.requests.workerDone(request);
			}
			return;
		}
		if (owner != null) {
			owner.claimed(request);
		}
		Map<String, String> previous = (request.mdc != null) ? MDC.getCopyOfContextMap() : null;
		if (request.mdc != null) {
			MDC.setContextMap(request.mdc);
		}
		try {
			Observation observation = this.observations.start(request.record);
			if (observation == null) {
				handle(request);
			}
			else {
				request.observe(observation);
				try (Observation.Scope scope = observation.openScope()) {
					handle(request);
				}
			}
		}
		catch (Throwable ex) {
			// Never stall the partition: whatever went wrong, the request ends.
			logger.error(ex, () -> "Handler " + this.handlerId + " could not process " + request.position());
			done(request);
		}
		finally {
			if (request.mdc != null) {
				restore(previous);
			}
			if (owner == null) {
				this.requests.workerDone(request);
			}
			else {
				// Unless it told the core already: ended meanwhile, or ended here.
				owner.workerDone(request);
			}
		}
	}

	private static void restore(@Nullable Map<String, String> previous) {
		if (previous != null) {
			MDC.setContextMap(previous);
		}
		else {
			MDC.clear();
		}
	}

	private void handle(InHandRequest request) {
		if (request.unreadable instanceof UnaddressableRequestException ex) {
			this.figures.skipped(ReplyHandlerStats.Event.REJECTED);
			logOnce("rejected:" + ex.getMessage(), () -> "Skipping request at " + request.position() + " for handler "
					+ this.handlerId + ": " + ex.getMessage() + ", so no reply can be sent (logged once per cause)");
			done(request);
			return;
		}
		if (request.unreadable instanceof MalformedHeaderException ex) {
			if (allowed(request, ex.getAddress())) {
				malformed(request, address(request, ex.getAddress(), null), new MalformedRequestException(ex.getMessage()));
			}
			return;
		}
		// Read, since it is neither unaddressable nor malformed.
		RequestHeaders headers = Objects.requireNonNull(request.headers, "request headers");
		if (!allowed(request, headers)) {
			return;
		}
		HandlerCallContext context = new HandlerCallContext(request.record, headers);
		request.context = context;
		if (request.isEnded()) {
			return;
		}
		ReplyAddress address = address(request, headers, context);
		if (expired(request, headers, address)) {
			return;
		}
		ReplyTopics.Found found;
		try {
			// May wait for a lookup, until the deadline at most.
			found = this.replyTopics.find(address.topic(), headers.replyPartition(), headers.deadlineMillis());
		}
		catch (MalformedRequestException ex) {
			malformed(request, address.withoutPartition(), ex);
			return;
		}
		if (request.isEnded() || expired(request, headers, address)) {
			return;
		}
		if (found != ReplyTopics.Found.EXISTS) {
			this.figures.skipped(ReplyHandlerStats.Event.REPLY_FAILED);
			done(request);
			return;
		}
		if (this.requests.cancelledBefore(headers.correlationId())) {
			this.figures.skipped(ReplyHandlerStats.Event.CANCELLED);
			logger.debug(() -> "Skipping cancelled request at " + request.position());
			done(request);
			return;
		}
		if (this.replies.replay(request, address)) {
			return;
		}
		if (request.lastDelivery) {
			// Each delivery before ended unanswered (its responder died or stopped): do not risk
			// a run that may kill this one too.
			this.figures.skipped(ReplyHandlerStats.Event.ABORTED);
			logger.warn(() -> "Request at " + request.position() + " for handler " + this.handlerId + " is on its "
					+ "delivery " + request.deliveryCount + ", the last its share group allows; answering ABORTED");
			this.replies.failed(request, address, new DeliveryLimitReachedException("The request was delivered "
					+ request.deliveryCount + " times, the most its share group allows (the broker's "
					+ "group.share.delivery.count.limit), without an answer: each handler run ended with its responder "
					+ "stopping or failing. It is not handled again"), ReplyHandlerOutcome.ERROR);
			return;
		}
		Object[] arguments;
		try {
			arguments = this.invoker.arguments(request.record, context);
		}
		catch (MalformedRequestException ex) {
			malformed(request, address, ex);
			return;
		}
		if (!request.enterMethod()) {
			// Ended meanwhile (its deadline, a cancel, the max handling time): too late to start.
			return;
		}
		CoreTicket ticket = request.ticket;
		if (ticket != null) {
			// For the watchdog, which tells its core once the method has run long.
			ticket.methodStartNanos = System.nanoTime() | 1;
			// With transactions, the ledger they commit from notes it too (its core counts a rerun).
			request.methodStarted();
		}
		else if (request.methodStarted()) {
			this.figures.skipped(ReplyHandlerStats.Event.RERUN);
		}
		try {
			CompletableFuture<Object> result = this.invoker.invoke(arguments, context);
			// A result already complete is replied to here: a lazy stream runs on this thread too.
			this.replies.reply(request, address, result);
			if (request.ticket != null && this.core != null) {
				// Told with its reply, when that was made here.
				this.core.returned(request);
			}
		}
		finally {
			request.exitMethod();
		}
	}

	// Ended without a reply, for a reason counted already.
	private void done(InHandRequest request) {
		if (request.ticket != null && this.core != null) {
			this.core.post(request, TicketEvent.SKIPPED);
		}
		else {
			this.endings.done(request);
		}
	}

	private boolean expired(InHandRequest request, RequestHeaders headers, ReplyAddress address) {
		if (!headers.expiredAt(System.currentTimeMillis())) {
			return false;
		}
		this.figures.outcome(address, ReplyHandlerOutcome.EXPIRED);
		logger.debug(() -> "Skipping expired request at " + request.position());
		done(request);
		return true;
	}

	private static ReplyAddress address(InHandRequest request, RequestHeaders headers,
			@Nullable HandlerCallContext context) {
		return new ReplyAddress(headers, request.record.key(), request.record.topic(), request.receivedNanos, context);
	}

	private boolean allowed(InHandRequest request, RequestHeaders headers) {
		if (this.replyTopicGuard.allows(headers.replyTopic(), request::position)) {
			return true;
		}
		this.figures.outcome(request.record.topic(), ReplyHandlerOutcome.REFUSED, request.receivedNanos);
		done(request);
		return false;
	}

	private void malformed(InHandRequest request, ReplyAddress address, MalformedRequestException failure) {
		logOnce("malformed:" + failure.getClass().getName(), () -> "Malformed request at " + request.position()
				+ " for handler " + this.handlerId + ": " + failure.getMessage()
				+ " (an error reply is sent; logged once per cause)");
		this.replies.failed(request, address, failure, ReplyHandlerOutcome.MALFORMED);
	}

	private void logOnce(String cause, Supplier<String> message) {
		if (this.loggedCauses.size() < MAX_LOGGED_CAUSES && this.loggedCauses.add(cause)) {
			logger.warn(message);
		}
	}

}
