package dev.requestreply.test.docs;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import dev.requestreply.test.StubReply;
import dev.requestreply.test.StubRequestReplyOperations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/testing.md's stub example, run.
 */
class QuoteDeskTests {

	private final Quote quote = new Quote("ACME", new BigDecimal("123.45"), "USD");

	@Test
	void whenTopicsAreStubbedThenTheDeskGetsTheirAnswers() {
		Quote lse = new Quote("ACME", new BigDecimal("123.44"), "GBP");
		Quote point1 = this.quote;
		Quote point2 = new Quote("ACME", new BigDecimal("123.40"), "USD");
		// tag::stub[]
		StubRequestReplyOperations pricing = new StubRequestReplyOperations();
		pricing.on("pricing-quote").reply(new Quote("ACME", new BigDecimal("123.45"), "USD"));
		pricing.on("pricing-deep-quote").noReply();                                  // times out
		pricing.on("pricing-history").reply(List.of(point1, point2));                 // a stream: one element each
		pricing.on("pricing-orders").fail(UnknownSymbolException.class, "Unknown symbol 'NOPE'");
		pricing.on("pricing-slow").answer(StubReply.value(quote).after(Duration.ofMillis(300)));
		pricing.on("pricing-venues").answer(                                          // scatter-gather: one per responder
				StubReply.value(lse).from("venue-lse"),
				StubReply.error(IllegalStateException.class, "closed").from("venue-nyse"));
		pricing.on("echo").answer((payload) -> StubReply.value("echo " + payload)); // computed per request

		QuoteDesk desk = new QuoteDesk(pricing);
		assertThat(desk.quote("acme").price()).isEqualByComparingTo("123.45");
		assertThat(pricing.requests("pricing-quote")).singleElement()
			.satisfies((request) -> assertThat(request.payload()).isEqualTo("acme"));
		// end::stub[]
	}

}
