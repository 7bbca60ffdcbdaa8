package dev.requestreply.sample;

import dev.requestreply.RemoteHandlerException;
import org.junit.jupiter.api.Test;

import org.springframework.http.ProblemDetail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link QuoteController} maps remote failures that the pricing service never sends in the
 * end-to-end test.
 */
class QuoteControllerTests {

	private final QuoteController controller = new QuoteController(null, "pricing-quote", "pricing-deep-quote",
			"pricing-history", "pricing-venues");

	@Test
	void whenRemoteFailureIsNotAnUnknownSymbolThenBadGateway() {
		ProblemDetail problem = this.controller.onRemoteError(
				new RemoteHandlerException("pricing-quote", IllegalStateException.class.getName(), "feed down"));
		assertThat(problem.getStatus()).isEqualTo(502);
		assertThat(problem.getDetail()).isEqualTo("java.lang.IllegalStateException: feed down");
	}

}
