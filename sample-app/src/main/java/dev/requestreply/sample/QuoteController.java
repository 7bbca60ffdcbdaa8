package dev.requestreply.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

import dev.requestreply.GatherPolicy;
import dev.requestreply.GatheredReply;
import dev.requestreply.RemoteHandlerException;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestReplyOperations;
import dev.requestreply.RequestTimeoutException;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
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
 * {@code responder} profile. It depends on {@link RequestReplyOperations}, not on the template
 * class, so that its tests can give it a stub.
 */
@RestController
@Profile("!responder")
// The reply types named at request(...) calls: Jackson binds them by reflection, which an
// application processed ahead of time for a native image must register (those of @ReplyHandler
// methods are registered by the starter).
@RegisterReflectionForBinding({ Quote.class, DeepQuote.class, PricePoint.class, VenueQuote.class })
public class QuoteController {

	private final RequestReplyOperations requestReply;

	private final String quoteTopic;

	private final String deepQuoteTopic;

	private final String historyTopic;

	private final String venuesTopic;

	public QuoteController(RequestReplyOperations requestReply, @Value("${pricing.topics.quote}") String quoteTopic,
			@Value("${pricing.topics.deep-quote}") String deepQuoteTopic,
			@Value("${pricing.topics.history}") String historyTopic,
			@Value("${pricing.topics.venues}") String venuesTopic) {
		this.requestReply = requestReply;
		this.quoteTopic = quoteTopic;
		this.deepQuoteTopic = deepQuoteTopic;
		this.historyTopic = historyTopic;
		this.venuesTopic = venuesTopic;
	}

	/**
	 * Ask for a price history: the pricing service streams one reply per point.
	 */
	@GetMapping("/quotes/{symbol}/history")
	public CompletableFuture<List<PricePoint>> history(@PathVariable String symbol) {
		Flow.Publisher<PricePoint> points = this.requestReply.requestStream(this.historyTopic, symbol,
				PricePoint.class, Duration.ofSeconds(2), Duration.ofSeconds(10));
		CompletableFuture<List<PricePoint>> all = new CompletableFuture<>();
		points.subscribe(new Flow.Subscriber<>() {

			private final List<PricePoint> received = new ArrayList<>();

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(PricePoint point) {
				this.received.add(point);
			}

			@Override
			public void onError(Throwable failure) {
				all.completeExceptionally(failure);
			}

			@Override
			public void onComplete() {
				all.complete(this.received);
			}

		});
		return all;
	}

	/**
	 * Ask every venue at once and answer with the best price among those that answered within a
	 * second; a venue that did not answer in time makes the result partial, not a failure.
	 */
	@GetMapping("/quotes/{symbol}/best")
	public CompletableFuture<BestQuote> best(@PathVariable String symbol) {
		return this.requestReply
			.scatterGather(List.of(this.venuesTopic), symbol, VenueQuote.class,
					GatherPolicy.<VenueQuote>count(2, Duration.ofSeconds(1)))
			.thenApply((gathered) -> new BestQuote(
					gathered.values().stream().min(Comparator.comparing(VenueQuote::price)).orElse(null),
					gathered.values(), gathered.errors().stream().map(GatheredReply::responder).toList(),
					gathered.timedOut()));
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
		// By the error code, not the remote class name: any responder, in any language, maps alike.
		HttpStatus status = switch (ex.getErrorCode()) {
			case ReplyErrorCodes.NOT_FOUND -> HttpStatus.NOT_FOUND;
			case ReplyErrorCodes.INVALID_ARGUMENT -> HttpStatus.BAD_REQUEST;
			case ReplyErrorCodes.DEADLINE_EXCEEDED -> HttpStatus.GATEWAY_TIMEOUT;
			case ReplyErrorCodes.UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
			default -> HttpStatus.BAD_GATEWAY;
		};
		String title = switch (status) {
			case NOT_FOUND -> "Unknown symbol";
			case BAD_GATEWAY -> "The pricing service failed";
			default -> "The pricing service answered " + ex.getErrorCode();
		};
		return problem(status, title, ex.getRemoteMessage());
	}

	@ExceptionHandler
	ProblemDetail onRequestFailure(RequestReplyException ex) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "The pricing service could not be asked", ex.getMessage());
	}

	private static ProblemDetail problem(HttpStatus status, String title, @Nullable String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return problem;
	}

}
