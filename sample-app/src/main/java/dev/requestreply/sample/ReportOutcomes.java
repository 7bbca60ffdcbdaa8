package dev.requestreply.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Receives the outcomes of reports, on whichever instance of the application ({@code pricing})
 * runs when they arrive, and keeps them in memory (a real application would store them). Not
 * started with the {@code responder} profile: the outcomes go to the requester.
 */
@Component
@Profile("!responder")
public class ReportOutcomes {

	// In memory, for the sample: past this many, those kept are forgotten.
	private static final int MAX_KEPT = 1000;

	private final Map<String, ReportStatus> outcomes = new ConcurrentHashMap<>();

	@DurableReplyListener("report")
	void onReport(DurableOutcome<Report> outcome) {
		ReportStatus status;
		if (outcome instanceof DurableOutcome.Replied<Report> replied) {
			status = new ReportStatus(outcome.id(), "DONE", replied.reply(), null);
		}
		else if (outcome instanceof DurableOutcome.Failed<Report> failed) {
			status = new ReportStatus(outcome.id(), "FAILED", null, failed.errorCode() + ": " + failed.message());
		}
		else if (outcome instanceof DurableOutcome.TimedOut<Report>) {
			status = new ReportStatus(outcome.id(), "TIMED_OUT", null, null);
		}
		else {
			status = new ReportStatus(outcome.id(), "CANCELLED", null, null);
		}
		if (this.outcomes.size() >= MAX_KEPT) {
			this.outcomes.clear();
		}
		this.outcomes.put(outcome.id(), status);
	}

	/**
	 * Return where a report stands.
	 * @param id the id of its durable request
	 * @return its outcome, or {@code PENDING} while none arrived on this instance
	 */
	ReportStatus status(String id) {
		return this.outcomes.getOrDefault(id, ReportStatus.pending(id));
	}

}
