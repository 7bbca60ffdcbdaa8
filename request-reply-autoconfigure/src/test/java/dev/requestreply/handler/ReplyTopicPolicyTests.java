package dev.requestreply.handler;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyTopicPolicyTests {

	private final ReplyTopicPolicy defaults = new ReplyTopicPolicy(ReplyTopicPolicy.DEFAULT_PATTERNS,
			List.of("orders-requests", "loop-replies"));

	@Test
	void whenDefaultPatternsThenOnlyReplyTopicsAreAllowed() {
		assertThat(this.defaults.refusal("billing-replies")).isNull();
		assertThat(this.defaults.refusal("billing.replies")).isNull();
		assertThat(this.defaults.refusal("billing-payments")).contains("'billing-payments'")
			.contains("request-reply.handler.allowed-reply-topics");
		assertThat(this.defaults.refusal("replies")).isNotNull();
	}

	@Test
	void whenTopicIsInternalThenRefusedWhateverThePatterns() {
		ReplyTopicPolicy everything = new ReplyTopicPolicy(List.of("*"), List.of());
		assertThat(everything.refusal("__consumer_offsets")).contains("internal");
		assertThat(everything.refusal("__transaction_state-replies")).contains("internal");
		assertThat(everything.refusal("anything")).isNull();
	}

	@Test
	void whenTopicIsServedByAHandlerThenRefusedEvenIfItMatches() {
		assertThat(this.defaults.refusal("loop-replies")).contains("request topic");
		assertThat(this.defaults.refusal("orders-requests")).contains("request topic");
	}

	@Test
	void whenNoPatternsThenNothingIsAllowed() {
		assertThat(new ReplyTopicPolicy(List.of(), List.of()).refusal("billing-replies")).isNotNull();
	}

}
