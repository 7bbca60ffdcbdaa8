package dev.requestreply.sample;

import java.time.Duration;
import java.util.Map;

import dev.requestreply.handler.ReplyHandlerContainers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a user runs it: no {@code spring.kafka.bootstrap-servers}, so its own embedded
 * broker, and both parts in one process, called over HTTP (reports take 1 s here, not 25 s).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "pricing.report-time=1s")
class SampleApplicationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ReplyHandlerContainers handlers;

	private RestTestClient http;

	@BeforeEach
	void setUp() {
		this.http = RestTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
		// Not needed for correctness (a new handler group reads from the earliest offset), but a
		// request sent before the first assignment would wait for it and could time out.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.handlers.getContainers()
				.stream()
				.allMatch((container) -> !container.getAssignedPartitions().isEmpty()));
	}

	@Test
	void whenStartedThenTheQuoteHandlersOwnEveryPartitionForASecondResponderToShare() {
		int quotePartitions = this.handlers.getContainers()
			.stream()
			.filter((container) -> container.getContainerProperties().getTopics()[0].contains("quote"))
			.mapToInt((container) -> container.getAssignedPartitions().size())
			.sum();
		assertThat(quotePartitions).isEqualTo(2 * PricingTopics.PARTITIONS);
	}

	@Test
	void whenKnownSymbolThenQuoteIsReturned() {
		this.http.get()
			.uri("/quotes/{symbol}", "acme")
			.exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody()
			.jsonPath("$.symbol").isEqualTo("ACME")
			.jsonPath("$.price").isEqualTo(123.45)
			.jsonPath("$.currency").isEqualTo("USD");
	}

	@Test
	void whenHistoryAskedThenStreamedPointsArriveInOrder() {
		this.http.get()
			.uri("/quotes/{symbol}/history", "ACME")
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.length()").isEqualTo(5)
			.jsonPath("$[0].minutesAgo").isEqualTo(0)
			.jsonPath("$[0].price").isEqualTo(123.45)
			.jsonPath("$[4].minutesAgo").isEqualTo(4)
			.jsonPath("$[4].price").isEqualTo(123.25);
	}

	@Test
	void whenBestAskedThenEveryVenueAnswersAndTheLowestPriceWins() {
		this.http.get()
			.uri("/quotes/{symbol}/best", "ACME")
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.best.venue").isEqualTo("venue-lse")
			.jsonPath("$.best.price").isEqualTo(123.44)
			.jsonPath("$.quotes.length()").isEqualTo(2)
			.jsonPath("$.timedOut").isEqualTo(false);
	}

	@Test
	void whenUnknownSymbolThenNotFoundWithTheRemoteMessage() {
		this.http.get()
			.uri("/quotes/{symbol}", "NOPE")
			.exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status").isEqualTo(404)
			.jsonPath("$.title").isEqualTo("Unknown symbol")
			.jsonPath("$.detail").isEqualTo("Unknown symbol 'NOPE'");
	}

	@Test
	void whenDeepQuoteWithinTimeoutThenDeepQuoteIsReturned() {
		this.http.get()
			.uri("/quotes/{symbol}/deep?timeout={timeout}", "GLOBEX", "10s")
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.symbol").isEqualTo("GLOBEX")
			.jsonPath("$.bid").isEqualTo(87.05)
			.jsonPath("$.ask").isEqualTo(87.15);
	}

	@Test
	void whenDeepQuoteSlowerThanTimeoutThenGatewayTimeout() {
		this.http.get()
			.uri("/quotes/{symbol}/deep?timeout={timeout}", "ACME", "200ms")
			.exchange()
			.expectStatus().isEqualTo(504)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status").isEqualTo(504)
			.jsonPath("$.title").isEqualTo("The pricing service did not answer in time");
	}

	@Test
	void whenTimeoutNotPositiveThenBadRequest() {
		this.http.get()
			.uri("/quotes/{symbol}/deep?timeout={timeout}", "ACME", "0s")
			.exchange()
			.expectStatus().isBadRequest();
	}

	@Test
	void whenReportSubmittedThenItsIdComesAtOnceAndItsOutcomeArrivesUnderIt() {
		ReportStatus submitted = this.http.post()
			.uri("/reports/{symbol}", "acme")
			.exchange()
			.expectStatus().isAccepted()
			.expectBody(ReportStatus.class)
			.returnResult()
			.getResponseBody();
		assertThat(submitted).isNotNull();
		assertThat(submitted.status()).isEqualTo("PENDING");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> this.http.get()
			.uri("/reports/{id}", submitted.id())
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.status").isEqualTo("DONE")
			.jsonPath("$.report.symbol").isEqualTo("ACME")
			.jsonPath("$.report.high").isEqualTo(124.95));
	}

	@Test
	void whenRequestsEndThenActuatorEndpointCountsThem() {
		Map<String, Object> before = requestReplyFigures();
		this.http.get().uri("/quotes/ACME").exchange().expectStatus().isOk();
		this.http.get().uri("/quotes/NOPE").exchange().expectStatus().isNotFound();
		this.http.get().uri("/quotes/ACME/deep?timeout=200ms").exchange().expectStatus().isEqualTo(504);

		// The deep quote's caller gave up, so a cancel record stops the handler's work: no late reply.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			Map<String, Object> after = requestReplyFigures();
			assertThat(after).containsEntry("replyTopic", "pricing-replies").containsEntry("pending", 0);
			assertThat(increase(before, after, "completed")).isEqualTo(1);
			assertThat(increase(before, after, "errors")).isEqualTo(1);
			assertThat(increase(before, after, "timeouts")).isEqualTo(1);
			assertThat(increase(before, after, "cancelsSent")).isEqualTo(1);
		});
	}

	private Map<String, Object> requestReplyFigures() {
		return this.http.get()
			.uri("/actuator/requestreply")
			.exchange()
			.expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	private static long increase(Map<String, Object> before, Map<String, Object> after, String figure) {
		return ((Number) after.get(figure)).longValue() - ((Number) before.get(figure)).longValue();
	}

}
