package dev.requestreply.sample;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.requestreply.RemoteHandlerException;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.RequestTimeoutException;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.format.annotation.DurationFormat;
import org.springframework.format.annotation.DurationFormat.Style;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The requester: asks the pricing service over Kafka and answers over HTTP. Not started with the
 * {@code responder} profile.
 */
@RestController
@Profile("!responder")
public class QuoteController {

	private final RequestReplyTemplate requestReply;

	private final String quoteTopic;

	private final String deepQuoteTopic;

	public QuoteController(RequestReplyTemplate requestReply, @Value("${pricing.topics.quote}") String quoteTopic,
			@Value("${pricing.topics.deep-quote}") String deepQuoteTopic) {
		this.requestReply = requestReply;
		this.quoteTopic = quoteTopic;
		this.deepQuoteTopic = deepQuoteTopic;
	}

	/**
	 * Ask for a quote, waiting at most {@code request-reply.default-timeout}.
	 */
	@GetMapping("/quotes/{symbol}")
	public CompletableFuture<Quote> quote(@PathVariable String symbol) {
		return this.requestReply.request(this.quoteTopic, symbol, Quote.class);
	}

	/**
	 * Ask for a deep quote, waiting at most the given timeout (e.g. {@code 500ms} or {@code 3s}),
	 * or {@code request-reply.default-timeout} without one.
	 */
	@GetMapping("/quotes/{symbol}/deep")
	public CompletableFuture<DeepQuote> deepQuote(@PathVariable String symbol,
			@RequestParam(required = false) @DurationFormat(style = Style.SIMPLE) Duration timeout) {
		if (timeout == null) {
			return this.requestReply.request(this.deepQuoteTopic, symbol, DeepQuote.class);
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "timeout must be positive");
		}
		return this.requestReply.request(this.deepQuoteTopic, symbol, DeepQuote.class, timeout);
	}

	@ExceptionHandler
	ProblemDetail onTimeout(RequestTimeoutException ex) {
		return problem(HttpStatus.GATEWAY_TIMEOUT, "The pricing service did not answer in time", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail onRemoteError(RemoteHandlerException ex) {
		if (UnknownSymbolException.class.getName().equals(ex.getErrorType())) {
			return problem(HttpStatus.NOT_FOUND, "Unknown symbol", ex.getRemoteMessage());
		}
		return problem(HttpStatus.BAD_GATEWAY, "The pricing service failed", ex.getErrorType() + ": " + ex.getRemoteMessage());
	}

	@ExceptionHandler
	ProblemDetail onRequestFailure(RequestReplyException ex) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "The pricing service could not be asked", ex.getMessage());
	}

	private static ProblemDetail problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return problem;
	}

}
