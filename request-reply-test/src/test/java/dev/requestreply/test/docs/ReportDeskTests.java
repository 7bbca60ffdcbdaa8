package dev.requestreply.test.docs;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableRequest;
import dev.requestreply.test.StubRequestReplyOperations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/testing.md's durable request example, run.
 */
class ReportDeskTests {

	@Test
	void whenTheReportTopicIsStubbedThenTheDesksListenerStoresItsOutcome() throws Exception {
		// tag::durable[]
		StubRequestReplyOperations requestReply = new StubRequestReplyOperations();
		requestReply.on("reports").reply(new ReportDesk.Report("Q3 2026", 12));
		ReportDesk desk = new ReportDesk(requestReply);
		requestReply.durable().listeners(desk);                          // its @DurableReplyListener methods

		DurableRequest request = desk.start("c-1", "2026-Q3");
		DurableOutcome<ReportDesk.Report> outcome = requestReply.durable()
			.outcome(request.id(), ReportDesk.Report.class)                // once the listeners returned
			.get(5, TimeUnit.SECONDS);
		assertThat(outcome).isInstanceOf(DurableOutcome.Replied.class);
		assertThat(desk.stored).containsEntry("c-1", "Q3 2026");
		assertThat(requestReply.durable().requests()).singleElement()
			.satisfies((submitted) -> assertThat(submitted.timeout()).isEqualTo(Duration.ofMinutes(30)));
		// end::durable[]
	}

}
