package dev.requestreply.responder;

import java.util.List;

import dev.requestreply.handler.ReplyTopicPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ReplyTopicGuardTests {

	private final ReplyTopicPolicy defaults = new ReplyTopicPolicy(ReplyTopicPolicy.DEFAULT_PATTERNS,
			List.of("orders-requests", "loop-replies"));

	@Test
	void whenManyRequestsAreRefusedThenEachIsRefusedAndOneWarningIsLogged(CapturedOutput output) {
		ReplyTopicGuard guard = new ReplyTopicGuard("bean.method", this.defaults);
		assertThat(guard.allows("billing-replies", () -> "orders-requests-0@1")).isTrue();
		int refused = 0;
		for (int i = 0; i < 1000; i++) {
			String position = "orders-requests-0@" + i;
			if (!guard.allows("payments", () -> position)) {
				refused++;
			}
		}
		assertThat(refused).isEqualTo(1000);
		assertThat(output.getAll().split("Handler bean.method refused", -1)).hasSize(2);
		assertThat(output.getAll()).contains("refused 1 request(s)").contains("'payments'");
	}

}
