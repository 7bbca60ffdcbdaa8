package dev.requestreply.responder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import dev.requestreply.handler.HandlingTimeExceededException;
import dev.requestreply.handler.ReplyHandlerOutcome;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.responder.core.RequestRef;
import dev.requestreply.responder.core.ResponderAction;
import dev.requestreply.responder.core.ResponderAction.Ending;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Carries out the decisions of a handler's core ({@link HandlerCore}), on its loop: each action
 * one call on the engine's pieces, none waiting for user code ({@code onCancel} actions run on a
 * handler thread) nor for the producer. What a round of the loop decided is handed out together
 * at its end ({@link #round}): the requests to start wake the handler's threads once, and the
 * replies to send go in one task to the handler's sending thread, which sends them together
 * (held back while it prepares them, unless requests are observed) and where a send that blocks
 * (the producer's metadata, a full buffer) stalls no loop. The commits, pauses and resumes
 * the core asks for go to the consumer that owns the partition ({@link CoreConsumers}), which
 * carries them out on its own thread.
 */
final class CoreActions implements Consumer<ResponderAction> {

	private final HandlerCore core;

	private final HandlerExecutor executor;

	private final RequestsInHand requests;

	private final RequestEndings endings;

	private final ReplySender sender;

	private final HandlerFigures figures;

	private final Executor sending;

	private final boolean holdReplies;

	private final Consumer<ConsumerLedgers> wake;

	// The loop's only: the replies its round decided to send.
	private List<Send> sends = new ArrayList<>();

	/**
	 * @param sending the handler's sending thread
	 * @param holdReplies whether the replies sent together are held while they are prepared (not
	 * when requests are observed: a reply is sent within its request's observation)
	 * @param wake wakes a consumer whose partition may resume
	 */
	CoreActions(HandlerCore core, HandlerParts parts, ReplySender sender, Executor sending, boolean holdReplies,
			Consumer<ConsumerLedgers> wake) {
		this.wake = wake;
		this.core = core;
		this.sending = sending;
		this.holdReplies = holdReplies;
		this.executor = parts.executor();
		this.requests = parts.requests();
		this.endings = parts.endings();
		this.figures = parts.figures();
		this.sender = sender;
	}

	@Override
	public void accept(ResponderAction action) {
		if (action instanceof ResponderAction.Start start) {
			InHandRequest request = request(start.ref());
			if (request != null) {
				this.executor.submit(request);
			}
		}
		else if (action instanceof ResponderAction.Withdraw withdraw) {
			InHandRequest request = request(withdraw.ref());
			if (request != null && !request.claim()) {
				// Its worker claimed it first: its method runs, or is about to.
				request.halt();
				this.endings.stop(request);
			}
		}
		else if (action instanceof ResponderAction.Interrupt interrupt) {
			InHandRequest request = request(interrupt.ref());
			if (request != null) {
				request.halt();
				this.endings.stop(request);
			}
		}
		else if (action instanceof ResponderAction.SendReply reply) {
			send(reply.ref(), null);
		}
		else if (action instanceof ResponderAction.SendError error) {
			send(error.ref(), error.code());
		}
		else if (action instanceof ResponderAction.Outcome outcome) {
			ended(outcome.ref(), outcome.ending());
		}
		else if (action instanceof ResponderAction.Rerun) {
			this.figures.skipped(ReplyHandlerStats.Event.RERUN);
		}
		else {
			// Commit, Pause, Resume: the consumer's.
			this.core.consumers().carryOut(action, this.wake);
		}
	}

	/**
	 * Run one round of the loop, then hand out what it decided: the requests to start, the
	 * replies to send.
	 * @param round the round
	 */
	void round(Runnable round) {
		this.executor.handOut(round);
		if (this.sends.isEmpty()) {
			return;
		}
		List<Send> replies = this.sends;
		this.sends = new ArrayList<>();
		try {
			this.sending.execute(new Sends(replies, this.holdReplies));
		}
		catch (RejectedExecutionException ex) {
			// The handler stopped.
			for (Send send : replies) {
				send.accept(false);
			}
		}
	}

	private @Nullable InHandRequest request(RequestRef ref) {
		return this.core.request(ref);
	}

	// The reply its worker made; for an error the core decided (the max handling time), one made here.
	private void send(RequestRef ref, @Nullable String errorCode) {
		InHandRequest request = request(ref);
		if (request == null) {
			return;
		}
		CoreTicket ticket = request.ticket;
		CoreTicket.Prepared prepared = (ticket != null) ? ticket.prepared : null;
		if (errorCode != null && prepared != null && (prepared.failure() == null
				|| !errorCode.equals(ErrorCodeMapping.codeOf(prepared.failure())))) {
			// Its worker made another reply (a value, or the failure of a call the core interrupted)
			// after the core decided this error: the core's goes.
			prepared = null;
		}
		StreamReplier stream = request.stream;
		if (prepared == null && stream != null) {
			// A stream at its max handling time: its own path sends its end, and cancels its
			// publisher (user code) on a handler thread, never the loop's.
			HandlingTimeExceededException failure = exceeded();
			this.executor.urgent(() -> {
				try {
					stream.terminate(failure, ReplyHandlerOutcome.EXPIRED);
					this.endings.logExceeded(request);
				}
				finally {
					this.core.post(request, TicketEvent.SENT);
				}
			});
			return;
		}
		if (prepared == null) {
			prepared = exceededReply(request);
			if (prepared == null) {
				// Unreadable: no error reply can be addressed.
				this.core.post(request, TicketEvent.SEND_FAILED);
				return;
			}
			this.endings.logExceeded(request);
		}
		request.beginReply();
		this.figures.outcome(prepared.address(), prepared.outcome());
		this.sends.add(new Send(request, prepared));
	}

	private CoreTicket.@Nullable Prepared exceededReply(InHandRequest request) {
		if (request.headers == null) {
			return null;
		}
		ReplyAddress address = new ReplyAddress(request.headers, request.record.key(), request.record.topic(),
				request.receivedNanos, request.context);
		return new CoreTicket.Prepared(address, null, exceeded(), ReplyHandlerOutcome.EXPIRED, null);
	}

	private HandlingTimeExceededException exceeded() {
		return this.endings.exceededFailure();
	}

	private void ended(RequestRef ref, Ending ending) {
		InHandRequest request = request(ref);
		if (request == null) {
			return;
		}
		this.core.forget(ref);
		switch (ending) {
			case CANCELLED -> this.figures.skipped(ReplyHandlerStats.Event.CANCELLED);
			case EXPIRED -> this.figures.outcome(request.record.topic(), ReplyHandlerOutcome.EXPIRED,
					request.receivedNanos);
			case ALREADY_FINISHED -> this.figures.skipped(ReplyHandlerStats.Event.ALREADY_FINISHED);
			default -> {
				// Counted where it was decided (the reply sent, the worker's skip), or not at all.
			}
		}
		this.requests.end(request, true, ending != Ending.ABANDONED && ending != Ending.ALREADY_FINISHED);
	}

	// One reply, sent on the sending thread; tells the core whether it went.
	private final class Send implements Consumer<Boolean> {

		private final InHandRequest request;

		private final CoreTicket.Prepared prepared;

		Send(InHandRequest request, CoreTicket.Prepared prepared) {
			this.request = request;
			this.prepared = prepared;
		}

		void send() {
			IdempotencyWindow.Remembered remembered = this.prepared.remembered();
			// Sent inside the request's observation, as from its handler's thread: the reply's span
			// is a child of the handler's.
			Observation observation = this.request.observation();
			try (Observation.Scope scope = (observation != null) ? observation.openScope() : null) {
				if (remembered != null) {
					CoreActions.this.sender.replay(this.request, this.prepared.address(), remembered, this);
				}
				else {
					CoreActions.this.sender.reply(this.request, this.prepared.address(), this.prepared.value(),
							this.prepared.failure(), this);
				}
			}
		}

		@Override
		public void accept(Boolean sent) {
			CoreActions.this.core.post(this.request, sent ? TicketEvent.SENT : TicketEvent.SEND_FAILED);
		}

	}

	// The replies of a round, sent together.
	private record Sends(List<Send> replies, boolean hold) implements Runnable {

		@Override
		public void run() {
			ReplyBurst burst = this.hold ? ReplyBurst.begin() : null;
			try {
				for (Send send : this.replies) {
					try {
						send.send();
					}
					catch (RuntimeException ex) {
						// Not sent; the core is told (again, at worst: it takes the first).
						send.accept(false);
					}
				}
			}
			finally {
				if (burst != null) {
					burst.end();
				}
			}
		}

	}

}
