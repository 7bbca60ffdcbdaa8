package dev.requestreply.compatibility;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.RemoteHandlerException;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.RequestReplyOperations;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.compatibility.PricingApplication.Quote;
import dev.requestreply.compatibility.PricingApplication.QuoteRequest;
import dev.requestreply.handler.ReplyHandlerContainers;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.adapter.JdkFlowAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The starter, built on Spring Boot 4.1, in an application on Spring Boot 4.0: auto-configuration,
 * a round trip, an error reply, a streamed reply and the actuator endpoint; queue mode, which needs
 * Spring Boot 4.1, refuses to start.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.application.name=compat", "management.endpoints.web.exposure.include=requestreply" })
@EmbeddedKafka(topics = { "compat-quote", "compat-history" }, partitions = 1,
		brokerProperties = "group.initial.rebalance.delay.ms=0")
class BootFourZeroCompatibilityTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Autowired
	private RequestReplyOperations requestReply;

	@Autowired
	private ReplyHandlerContainers handlers;

	@LocalServerPort
	private int port;

	@Autowired
	private EmbeddedKafkaBroker broker;

	@BeforeEach
	void handlersAssigned() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.handlers.getContainers()
				.stream()
				.allMatch((container) -> !container.getAssignedPartitions().isEmpty()));
	}

	@Test
	void whenStartedThenItRunsOnBootFourZeroWithTheStarterBuiltInThisReactor() {
		assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");
		assertThat(KafkaTemplate.class.getPackage().getImplementationVersion()).startsWith("4.0.");
		assertThat(AppInfoParser.getVersion()).startsWith("4.1.");
		assertThat(RequestReplyTemplate.class.getProtectionDomain().getCodeSource().getLocation().getPath())
			.contains("request-reply-autoconfigure");
		assertThat(this.requestReply).isInstanceOf(RequestReplyTemplate.class);
		assertThat(this.handlers.getContainers()).hasSize(2);
	}

	@Test
	void whenAHandlerAsksForQueueModeThenStartUpFailsSayingWhatItNeeds() {
		SpringApplicationBuilder queued = new SpringApplicationBuilder(PricingApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString(),
					"spring.application.name=compat-queue", "request-reply.handler.queue=true");
		assertThatException().isThrownBy(queued::run)
			.withStackTraceContaining("Queue mode (@ReplyHandler(queue = true), request-reply.handler.queue) needs "
					+ "Kafka share groups")
			.withStackTraceContaining("the Kafka clients on the class path are older than 4.2");
	}

	@Test
	void whenRequestedThenTheHandlerAnswers() throws Exception {
		Quote quote = this.requestReply.request("compat-quote", new QuoteRequest("ACME"), Quote.class, TIMEOUT)
			.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(quote).isEqualTo(new Quote("ACME", 123.45));
	}

	@Test
	void whenTheHandlerThrowsThenTheRequesterGetsItsErrorCode() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.requestReply.request("compat-quote", new QuoteRequest("NOPE"), Quote.class, TIMEOUT)
				.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(RemoteHandlerException.class, (ex) -> {
				assertThat(ex.getErrorCode()).isEqualTo(ReplyErrorCodes.NOT_FOUND);
				assertThat(ex.getRemoteMessage()).isEqualTo("Unknown symbol 'NOPE'");
			});
	}

	@Test
	void whenAStreamIsRequestedThenEveryElementArrivesInOrder() {
		List<Quote> history = JdkFlowAdapter
			.flowPublisherToFlux(this.requestReply.requestStream("compat-history", new QuoteRequest("ACME"), Quote.class,
					TIMEOUT, TIMEOUT))
			.collectList()
			.block(TIMEOUT);
		assertThat(history).extracting(Quote::price).containsExactly(100.0, 101.0, 102.0, 103.0, 104.0);
	}

	@Test
	void whenTheEndpointIsReadThenItShowsTheRequestsAnswered() throws Exception {
		this.requestReply.request("compat-quote", new QuoteRequest("ACME"), Quote.class, TIMEOUT)
			.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		RestTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.build()
			.get()
			.uri("/actuator/requestreply")
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.replyTopic").isEqualTo("compat-replies")
			.jsonPath("$.pending").isEqualTo(0)
			.jsonPath("$.completed").value((completed) -> assertThat((Integer) completed).isPositive())
			.jsonPath("$.timeouts").isEqualTo(0)
			.jsonPath("$.lateReplies").isEqualTo(0);
	}

}
