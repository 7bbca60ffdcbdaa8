package dev.requestreply.responder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import dev.requestreply.responder.core.Partition;
import dev.requestreply.responder.core.RequestRef;
import dev.requestreply.responder.core.ResponderEvent;
import org.jspecify.annotations.Nullable;

/**
 * What threads post to the loop of a handler's core ({@link HandlerCore}), each unfolded into the
 * core's events on the loop: a poll's arrivals, one event about a request (after its worker's
 * claim, when the core was not told of it yet), partitions going or the stop (after the claims
 * won on them).
 */
final class CorePostings {

	private CorePostings() {
	}

	// On the loop: the claim its worker won, if the core was not told yet.
	private static void claimTold(HandlerLoop loop, CoreTicket ticket) {
		if (ticket.claimed && !ticket.startedFed) {
			ticket.startedFed = true;
			loop.decide(new ResponderEvent.Started(ticket.ref, true));
		}
	}

	// On the loop: one event about a request.
	private static void tell(HandlerLoop loop, CoreTicket ticket, TicketEvent event, @Nullable String code) {
		if (!ticket.fed) {
			// Read before its poll's arrivals were posted: told right after its arrival, each in
			// its order (a cancel and a deadline may both come first).
			List<TicketEvent> early = ticket.early;
			if (early == null) {
				early = new ArrayList<>(2);
				ticket.early = early;
			}
			early.add(event);
			return;
		}
		RequestRef ref = ticket.ref;
		if (event == TicketEvent.SKIPPED_BY_WITHDRAWAL) {
			ticket.startedFed = true;
			loop.decide(new ResponderEvent.Started(ref, false));
			return;
		}
		claimTold(loop, ticket);
		loop.decide(switch (event) {
			case SKIPPED, SKIPPED_BY_WITHDRAWAL -> new ResponderEvent.Skipped(ref);
			case RETURNED_PENDING -> new ResponderEvent.Returned(ref, true);
			case RETURNED -> new ResponderEvent.Returned(ref, false);
			case THREW -> new ResponderEvent.Threw(ref, Objects.requireNonNull(code));
			case COMPLETED -> new ResponderEvent.Completed(ref, code);
			case SENT -> new ResponderEvent.ReplySent(ref);
			case SEND_FAILED -> new ResponderEvent.ReplyFailed(ref);
			case CANCEL -> new ResponderEvent.Cancel(ref);
			case DEADLINE -> new ResponderEvent.DeadlinePassed(ref);
			case MAX_HANDLING_TIME -> new ResponderEvent.MaxHandlingTime(ref);
			case RUNNING_LONG -> new ResponderEvent.RunningLong(ref);
		});
	}

	// A poll's arrivals, in offset order.
	static final class Arrivals extends LoopPosting {

		private final List<InHandRequest> requests;

		Arrivals(List<InHandRequest> requests) {
			this.requests = requests;
		}

		@Override
		void unfold(HandlerLoop loop) {
			for (int i = 0; i < this.requests.size(); i++) {
				InHandRequest request = this.requests.get(i);
				CoreTicket ticket = Objects.requireNonNull(request.ticket);
				ticket.fed = true;
				loop.decide(
						new ResponderEvent.Arrived(ticket.ref, HandlerCore.laneKey(request), request.deadlineMillis()));
				List<TicketEvent> early = ticket.early;
				if (early != null) {
					ticket.early = null;
					for (TicketEvent event : early) {
						tell(loop, ticket, event, null);
					}
				}
			}
		}

		@Override
		public String toString() {
			return this.requests.size() + " arrival(s)";
		}

	}

	// One event about a request (after the claim, if the core was not told).
	static final class Told extends LoopPosting {

		private final CoreTicket ticket;

		private final TicketEvent event;

		private final @Nullable String code;

		Told(CoreTicket ticket, TicketEvent event, @Nullable String code) {
			this.ticket = ticket;
			this.event = event;
			this.code = code;
		}

		@Override
		void unfold(HandlerLoop loop) {
			tell(loop, this.ticket, this.event, this.code);
		}

		@Override
		public String toString() {
			return this.event + " " + this.ticket.ref;
		}

	}

	// Partitions going (or the stop): the core is told first of the claims won on them.
	static final class Going extends LoopPosting {

		private final Collection<InHandRequest> known;

		private final ResponderEvent event;

		private final @Nullable Collection<Partition> partitions;

		private final CompletableFuture<Void> decided = new CompletableFuture<>();

		Going(Collection<InHandRequest> known, ResponderEvent event) {
			this.known = known;
			this.event = event;
			this.partitions = (event instanceof ResponderEvent.Revoking revoking) ? revoking.partitions()
					: (event instanceof ResponderEvent.Revoked revoked) ? revoked.partitions()
							: (event instanceof ResponderEvent.Lost lost) ? lost.partitions() : null;
		}

		@Override
		void unfold(HandlerLoop loop) {
			for (InHandRequest request : this.known) {
				CoreTicket ticket = request.ticket;
				if (ticket != null && ticket.fed
						&& (this.partitions == null || this.partitions.contains(ticket.ref.partition()))) {
					claimTold(loop, ticket);
				}
			}
			try {
				loop.decide(this.event);
			}
			finally {
				this.decided.complete(null);
			}
		}

		// Completed once the loop decided on it (its actions carried out).
		CompletableFuture<Void> decided() {
			return this.decided;
		}

		@Override
		public String toString() {
			return this.event.toString();
		}

	}

}
