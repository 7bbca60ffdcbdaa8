package dev.requestreply.requester;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;

import dev.requestreply.CorrelationId;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestTimeoutException;
import dev.requestreply.requester.core.RequestAction;
import dev.requestreply.requester.core.RequestEvent;
import dev.requestreply.requester.core.RequestKind;
import org.jspecify.annotations.Nullable;

/**
 * Every way a pending request ends, as an event to its core: replies, a gather's policy, error
 * replies, timeouts from the wheel, cancels by the future or by id, send failures and the stop;
 * {@link RequestTransitions} runs the core's actions.
 */
final class RequestEnds {

	private final Map<CorrelationId, Object> pending;

	private final RequestTransitions transitions;

	private final BiConsumer<PendingRequest<?>, RequestAction.Completion> timeoutCompletion = this::completeTimedOut;

	// What the message of a timeout adds about its topic's responders (see ResponderHints).
	private volatile TimeoutHints timeoutHints = (topic, sentNanos) -> null;

	RequestEnds(Map<CorrelationId, Object> pending, RequestTransitions transitions) {
		this.pending = pending;
		this.transitions = transitions;
	}

	/**
	 * Complete a request with its reply (or a gather with its result); replies still to come
	 * count as late for a request with several.
	 * @return whether this ended the request
	 */
	<T> boolean succeed(PendingRequest<T> request, @Nullable T result) {
		RequestEvent event = (request.state().kind() == RequestKind.GATHER) ? new RequestEvent.Gathered(false)
				: new RequestEvent.Reply(System.nanoTime(), null, null, null, false);
		return ends(this.transitions.apply(request, event, (r) -> r.complete(result), true));
	}

	/**
	 * Fail a request (an error reply, a reply that did not convert, a gather's policy that threw).
	 * @return whether this ended the request
	 */
	boolean fail(PendingRequest<?> request, RequestReplyException failure) {
		RequestEvent event = (request.state().kind() == RequestKind.GATHER) ? new RequestEvent.Gathered(true)
				: new RequestEvent.Reply(System.nanoTime(), null, null, null, true);
		return ends(this.transitions.apply(request, event, (r) -> r.completeExceptionally(failure), true));
	}

	/**
	 * Tell the core of a reply to a request with several (a stream element, a gather's reply).
	 * @param request the request
	 * @param reply the reply
	 * @param failure what the future fails with, given how the core ends it (called only when it
	 * does not end with a value)
	 * @return the actions the core decided
	 */
	List<RequestAction> reply(PendingRequest<?> request, RequestEvent.Reply reply,
			Function<RequestAction.Completion, @Nullable RequestReplyException> failure) {
		return this.transitions.apply(request, reply, (r, completion) -> {
			RequestReplyException failed = (completion != RequestAction.Completion.VALUE) ? failure.apply(completion)
					: null;
			if (failed != null) {
				r.completeExceptionally(failed);
			}
			else {
				r.complete(null);
			}
		}, true);
	}

	/**
	 * End a request this instance gives up on, as its caller's cancellation would (so a cancel
	 * record tells the responders to stop, and replies still to come count as late), failing its
	 * future with the given failure instead of a cancellation.
	 * @param request the request
	 * @param failure the failure its future completes with
	 * @return whether this ended the request
	 */
	boolean abandon(PendingRequest<?> request, RequestReplyException failure) {
		return ends(this.transitions.apply(request, new RequestEvent.Cancel(false),
				(r) -> r.completeExceptionally(failure), true));
	}

	/**
	 * Fail a request whose send failed, if it is still pending: on the completion executor when
	 * called back by the producer, on this thread when the caller's own send failed.
	 * @param request the request
	 * @param failure the failure
	 * @param onCallersThread whether this thread is the caller's, which may complete the future
	 */
	void sendFailed(PendingRequest<?> request, RequestReplyException failure, boolean onCallersThread) {
		this.transitions.apply(request, new RequestEvent.SendFailed(), (r) -> r.completeExceptionally(failure),
				!onCallersThread);
	}

	/**
	 * Cancel a pending request: its future completes exceptionally with a
	 * {@link RequestReplyException} saying so, and a reply arriving later counts as late.
	 * @param correlationId the correlation id
	 * @return whether a pending request with that id was cancelled
	 */
	boolean cancel(CorrelationId correlationId) {
		PendingRequest<?> request = (this.pending.get(correlationId) instanceof PendingRequest<?> found) ? found : null;
		return request != null && abandon(request,
				new RequestReplyException("Request " + request.id + " to topic '" + request.topic + "' was cancelled"));
	}

	/**
	 * The request's future was cancelled by its caller (on the caller's thread).
	 */
	void cancelled(PendingRequest<?> request) {
		this.transitions.apply(request, new RequestEvent.Cancel(true), (r) -> {
		}, false);
	}

	/**
	 * Take the hints that the messages of timeouts add about their topics' responders.
	 * @param hints the hint for a topic and a request's send time, or {@code null}
	 */
	void timeoutHints(TimeoutHints hints) {
		this.timeoutHints = hints;
	}

	/**
	 * Return the failure of a request that timed out, with what is known of its topic's responders.
	 * @param request the request
	 * @param waited the timeout that passed
	 * @return the failure
	 */
	RequestTimeoutException timedOut(PendingRequest<?> request, Duration waited) {
		return new RequestTimeoutException(request.topic, request.id, waited,
				this.timeoutHints.hint(request.topic, request.startNanos));
	}

	// On the timer's thread: the engine's part of an expiry (removal, counting, the end action and
	// so the cancel record) runs here, never queued behind callers' callbacks; only the listeners
	// and the completion of the future go to the completion executor, by the timer's batches (or
	// to the caller in get()).
	// The timeout event is the tick's, shared by the requests it ends.
	void expire(PendingRequest<?> request, RequestEvent.Timeout timeout, Executor handOff) {
		this.transitions.apply(request, timeout, this.timeoutCompletion, handOff);
	}

	// The completion of a request that timed out (one object for all: a burst of timeouts makes none).
	private void completeTimedOut(PendingRequest<?> request, RequestAction.Completion completion) {
		ReplyCollector collector = request.collector;
		if (collector != null && completion == RequestAction.Completion.PARTIAL) {
			collector.completeOnTimeout(request);
		}
		else {
			request.completeExceptionally((collector != null) ? collector.timeoutFailure(request)
					: timedOut(request, Duration.ofNanos(request.deadlineNanos - request.startNanos)));
		}
	}

	/**
	 * Keep a gather's policy's answer, given on a completion thread after a reply, to whether its
	 * timeout completes it with the replies so far.
	 * @param request the gather
	 * @param replies how many replies the policy saw
	 * @param release its answer
	 */
	void atTimeout(PendingRequest<?> request, int replies, boolean release) {
		this.transitions.apply(request, new RequestEvent.AtTimeout(replies, release), (r) -> {
		}, false);
	}

	/**
	 * Fail every pending request with the given reason.
	 * @param reason the message of the {@link RequestReplyException} they fail with
	 * @return how many were failed
	 */
	int failAll(String reason) {
		int count = 0;
		for (Object entry : this.pending.values()) {
			if (entry instanceof PendingRequest<?> request && ends(this.transitions.apply(request,
					new RequestEvent.Stop(), (r) -> r.completeExceptionally(new RequestReplyException(
							reason + " (request " + r.id + " to topic '" + r.topic + "')")),
					true))) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Wait until no request is pending, or the timeout passes.
	 * @param timeout how long to wait at most
	 * @param pendingCount the number of pending requests
	 * @return whether no request is pending
	 */
	boolean awaitNone(Duration timeout, IntSupplier pendingCount) {
		long end = System.nanoTime() + timeout.toNanos();
		while (pendingCount.getAsInt() > 0) {
			if (end - System.nanoTime() <= 0 || Thread.currentThread().isInterrupted()) {
				return false;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
		return true;
	}

	/**
	 * What the message of a timeout adds about its topic's responders.
	 */
	@FunctionalInterface
	interface TimeoutHints {

		/**
		 * Return the hint for a request to this topic sent at this time, or {@code null}.
		 */
		@Nullable String hint(String topic, long sentNanos);

	}

	private static boolean ends(List<RequestAction> actions) {
		for (RequestAction action : actions) {
			if (action instanceof RequestAction.Remove) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Run an action of the engine when a request ends (whatever ends it), on the thread that ends
	 * it, before its future completes; at once if it ended already. It must be quick and never
	 * block, and run no code of the caller's.
	 * @param request the request
	 * @param action the action, given how the request ended
	 */
	void whenEnded(PendingRequest<?> request, Consumer<RequestOutcome> action) {
		request.whenEnded((outcome, release, sendCancel) -> action.accept(outcome));
	}

	/**
	 * Run the engine's action at a request's end, told whether the core releases its reply
	 * partition and sends its cancel records.
	 * @param request the request
	 * @param action the action
	 */
	void whenEnded(PendingRequest<?> request, EndAction action) {
		request.whenEnded(action);
	}

}
