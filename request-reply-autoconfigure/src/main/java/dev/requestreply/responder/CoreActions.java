package dev.requestreply.responder;

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
 * one call on the engine's pieces, none waiting for user code (a reply is handed to the producer,
 * which sends it on its own thread; {@code onCancel} actions run on a handler thread). The
 * commits, pauses and resumes the core asks for are not carried out yet: the consumer's ledgers
 * still decide those.
 */
final class CoreActions implements Consumer<ResponderAction> {

	private final HandlerCore core;

	private final HandlerExecutor executor;

	private final RequestsInHand requests;

	private final RequestEndings endings;

	private final ReplySender sender;

	private final HandlerFigures figures;

	CoreActions(HandlerCore core, HandlerParts parts, ReplySender sender) {
		this.core = core;
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
		// Commit, Pause, Resume: the consumer's ledgers decide them for now.
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
			// A stream at its max handling time: its own path sends its end.
			stream.terminate(exceeded(), ReplyHandlerOutcome.EXPIRED);
			this.endings.logExceeded(request);
			this.core.post(request, HandlerCore.Event.SENT);
			return;
		}
		if (prepared == null) {
			prepared = exceededReply(request);
			if (prepared == null) {
				// Unreadable: no error reply can be addressed.
				this.core.post(request, HandlerCore.Event.SEND_FAILED);
				return;
			}
			this.endings.logExceeded(request);
		}
		request.beginReply();
		this.figures.outcome(prepared.address(), prepared.outcome());
		IdempotencyWindow.Remembered remembered = prepared.remembered();
		Consumer<Boolean> told = (sent) -> this.core.post(request,
				sent ? HandlerCore.Event.SENT : HandlerCore.Event.SEND_FAILED);
		// Sent inside the request's observation, as from its handler's thread: the reply's span is
		// a child of the handler's.
		Observation observation = request.observation();
		try (Observation.Scope scope = (observation != null) ? observation.openScope() : null) {
			if (remembered != null) {
				this.sender.replay(request, prepared.address(), remembered, told);
			}
			else {
				this.sender.reply(request, prepared.address(), prepared.value(), prepared.failure(), told);
			}
		}
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

}
