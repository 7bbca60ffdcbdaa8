package dev.requestreply.sample;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.requestreply.DurableOptions;
import dev.requestreply.DurableRequest;
import dev.requestreply.RequestReplyOperations;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reports over HTTP, as durable requests: {@code POST /reports/{symbol}} submits one and answers
 * at once with its id; its outcome reaches {@link ReportOutcomes} on whichever instance runs when
 * it arrives, also after a restart of the one that submitted it; {@code GET /reports/{id}} shows
 * it. Not started with the {@code responder} profile.
 */
@RestController
@Profile("!responder")
public class ReportController {

	private static final Duration REPORT_TIMEOUT = Duration.ofMinutes(5);

	private final RequestReplyOperations requestReply;

	private final ReportOutcomes outcomes;

	private final String reportTopic;

	public ReportController(RequestReplyOperations requestReply, ReportOutcomes outcomes,
			@Value("${pricing.topics.report}") String reportTopic) {
		this.requestReply = requestReply;
		this.outcomes = outcomes;
		this.reportTopic = reportTopic;
	}

	/**
	 * Submit a report: 202 with its id once the request and what ends it are in Kafka.
	 */
	@PostMapping("/reports/{symbol}")
	public CompletableFuture<ResponseEntity<ReportStatus>> submit(@PathVariable String symbol) {
		DurableRequest request = this.requestReply.submit(this.reportTopic, symbol,
				DurableOptions.kind("report").timeout(REPORT_TIMEOUT).context("symbol", symbol));
		return request.accepted()
			.thenApply((accepted) -> ResponseEntity.accepted()
				.location(URI.create("/reports/" + request.id()))
				.body(ReportStatus.pending(request.id())));
	}

	/**
	 * Show where a report stands: {@code PENDING} until its outcome arrived on this instance.
	 */
	@GetMapping("/reports/{id}")
	public ReportStatus status(@PathVariable String id) {
		return this.outcomes.status(id);
	}

}
