package dev.requestreply.test.docs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.requestreply.DurableOptions;
import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;
import dev.requestreply.DurableRequest;
import dev.requestreply.RequestReplyOperations;

/**
 * docs/testing.md's durable request example: a slow report asked for, and its outcome stored. Not
 * a component: {@link PricingApplication}'s scan, in this package, would give its context a
 * durable listener.
 */
class ReportDesk {

	private final RequestReplyOperations requestReply;

	final Map<String, String> stored = new ConcurrentHashMap<>();

	ReportDesk(RequestReplyOperations requestReply) {
		this.requestReply = requestReply;
	}

	DurableRequest start(String customer, String quarter) {
		return this.requestReply.submit("reports", quarter,
				DurableOptions.kind("report").timeout(Duration.ofMinutes(30)).context("customer", customer));
	}

	@DurableReplyListener("report")
	void onReport(DurableOutcome<Report> outcome) {
		String customer = outcome.context().getOrDefault("customer", "?");
		Report report = (outcome instanceof DurableOutcome.Replied<Report> replied) ? replied.reply() : null;
		this.stored.put(customer, (report != null) ? report.name() : "none: " + outcome.getClass().getSimpleName());
	}

	record Report(String name, int pages) {
	}

}
