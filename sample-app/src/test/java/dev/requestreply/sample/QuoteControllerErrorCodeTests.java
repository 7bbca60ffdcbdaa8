package dev.requestreply.sample;

import dev.requestreply.RemoteHandlerException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.ProblemDetail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link QuoteController} maps the error codes of remote failures to HTTP statuses, for codes
 * the pricing service never sends in the end-to-end test.
 */
class QuoteControllerErrorCodeTests {

	private final QuoteController controller = new QuoteController(null, "pricing-quote", "pricing-deep-quote",
			"pricing-history", "pricing-venues");

	@ParameterizedTest
	@CsvSource({ "NOT_FOUND, 404", "INVALID_ARGUMENT, 400", "DEADLINE_EXCEEDED, 504", "UNAVAILABLE, 503",
			"INTERNAL, 502", "PERMISSION_DENIED, 502", "UNKNOWN, 502" })
	void whenRemoteFailureHasAnErrorCodeThenStatusFollowsTheCode(String code, int status) {
		ProblemDetail problem = this.controller.onRemoteError(
				new RemoteHandlerException("pricing-quote", IllegalStateException.class.getName(), "feed down", code));
		assertThat(problem.getStatus()).isEqualTo(status);
		assertThat(problem.getDetail()).isEqualTo("feed down");
	}

	@ParameterizedTest
	@CsvSource({ "dev.requestreply.sample.UnknownSymbolException", "java.lang.IllegalStateException" })
	void whenRemoteFailureNamesNoCodeThenBadGatewayWhateverItsClass(String errorType) {
		ProblemDetail problem = this.controller
			.onRemoteError(new RemoteHandlerException("pricing-quote", errorType, "from a foreign responder"));
		assertThat(problem.getStatus()).isEqualTo(502);
	}

}
