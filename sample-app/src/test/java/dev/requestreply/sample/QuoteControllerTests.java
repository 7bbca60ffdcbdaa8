package dev.requestreply.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import dev.requestreply.test.StubReply;
import dev.requestreply.test.StubRequestReplyOperations;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link QuoteController} over HTTP, against a stubbed pricing service: no Kafka, so the failures
 * the real pricing service never sends, and timeouts, take no time to set up.
 */
class QuoteControllerTests {

	private final StubRequestReplyOperations pricing = new StubRequestReplyOperations();

	private final MockMvcTester http = MockMvcTester.of(new QuoteController(this.pricing, "pricing-quote",
			"pricing-deep-quote", "pricing-history", "pricing-venues"));

	@Test
	void whenPricingServiceAnswersThenOkWithTheQuote() {
		this.pricing.on("pricing-quote").reply(new Quote("ACME", new BigDecimal("123.45"), "USD"));
		assertThat(this.http.get().uri("/quotes/{symbol}", "acme")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.price")
			.isEqualTo(123.45);
		assertThat(this.pricing.requests("pricing-quote")).singleElement()
			.satisfies((request) -> assertThat(request.payload()).isEqualTo("acme"));
	}

	@Test
	void whenPricingServiceFailsWithUnknownSymbolThenNotFound() {
		this.pricing.on("pricing-quote").fail(UnknownSymbolException.class, "Unknown symbol 'NOPE'");
		assertThat(this.http.get().uri("/quotes/{symbol}", "NOPE")).hasStatus(HttpStatus.NOT_FOUND)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("Unknown symbol 'NOPE'");
	}

	@Test
	void whenRemoteFailureIsNotAnUnknownSymbolThenBadGateway() {
		this.pricing.on("pricing-quote").fail(IllegalStateException.class, "feed down");
		assertThat(this.http.get().uri("/quotes/{symbol}", "ACME")).hasStatus(HttpStatus.BAD_GATEWAY)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("java.lang.IllegalStateException: feed down");
	}

	@Test
	void whenNoReplyWithinTheTimeoutThenGatewayTimeout() {
		this.pricing.on("pricing-deep-quote").noReply();
		assertThat(this.http.get().uri("/quotes/{symbol}/deep?timeout={timeout}", "ACME", "100ms"))
			.hasStatus(HttpStatus.GATEWAY_TIMEOUT);
		assertThat(this.pricing.requests("pricing-deep-quote")).singleElement()
			.satisfies((request) -> assertThat(request.timeout()).isEqualTo(Duration.ofMillis(100)));
	}

	@Test
	void whenOneVenueDoesNotAnswerThenBestOfTheOthersMarkedPartial() {
		this.pricing.on("pricing-venues")
			.answer(StubReply.value(new VenueQuote("venue-lse", "ACME", new BigDecimal("123.44"))).from("venue-lse"),
					StubReply.none().from("venue-nyse"));
		assertThat(this.http.get().uri("/quotes/{symbol}/best", "ACME")).hasStatusOk()
			.bodyJson()
			.satisfies((body) -> {
				assertThat(body).extractingPath("$.best.venue").isEqualTo("venue-lse");
				assertThat(body).extractingPath("$.timedOut").isEqualTo(true);
			});
	}

	@Test
	void whenHistoryStreamedThenEveryPointInOrder() {
		this.pricing.on("pricing-history")
			.reply(List.of(new PricePoint("ACME", 0, new BigDecimal("123.45")),
					new PricePoint("ACME", 1, new BigDecimal("123.40"))));
		assertThat(this.http.get().uri("/quotes/{symbol}/history", "ACME")).hasStatusOk()
			.bodyJson()
			.extractingPath("$[*].minutesAgo")
			.isEqualTo(List.of(0, 1));
	}

}
