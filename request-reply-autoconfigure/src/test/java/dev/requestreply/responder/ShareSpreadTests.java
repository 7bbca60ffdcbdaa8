package dev.requestreply.responder;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ShareSpreadTests {

	@Test
	void whenAQueueHandlerReadsOnePartitionThenNothingIsSaid() {
		assertThat(ShareSpread.warning("quote", List.of("pricing-quote"), 1, 4,
				"request-reply.handler.queue-consumers")).isNull();
	}

	@Test
	void whenItReadsSeveralPartitionsThenTheWarningNamesTheNumbersTheSettingAndTheRule() {
		String warning = ShareSpread.warning("quote", List.of("pricing-quote"), 4, 4, "@ReplyHandler concurrency");
		assertThat(warning).contains("Queue handler 'quote' reads 4 partitions of [pricing-quote] with 4 share "
				+ "consumers per instance (@ReplyHandler concurrency)")
			.contains("group.share.session.timeout.ms, 45 s by default")
			.contains("Give a queue handler's topics one partition")
			.doesNotContain("misses some partitions");
	}

	@Test
	void whenItHasFewerShareConsumersThanPartitionsThenTheWarningSaysEachInstanceMissesSome() {
		assertThat(ShareSpread.warning("quote", List.of("a", "b"), 8, 2, "request-reply.handler.queue-consumers"))
			.contains("reads 8 partitions of [a, b] with 2 share consumers per instance")
			.contains("each instance misses some partitions whatever the assignment");
	}

}
