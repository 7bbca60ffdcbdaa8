package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.requestreply.PacedLoad.Figures;
import dev.requestreply.TestResponders.RequesterApp;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Not part of the suite (it takes minutes): measures once what the crash of a serving responder
 * (SIGKILL, in a JVM of its own) costs a requester with 2 s timeouts, for handlers in consumer
 * groups on the classic protocol (the library's defaults: 6 s session, 2 s heartbeats), on the
 * consumer protocol ({@code group.protocol=consumer}, KIP-848) with the broker's defaults (45 s
 * session) and with the broker's session lowered to 6 s, and in queue mode. Run it alone with
 * {@code ./mvnw -B -ntp -pl request-reply-autoconfigure -am test -Dtest=FailoverMeasureTests
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailover.measure=true}; each line starting
 * {@code RELIABILITY failover} goes to {@code target/test-figures.txt}.
 */
@EnabledIfSystemProperty(named = "failover.measure", matches = "true")
class FailoverMeasureTests {

	private static final Duration START = Duration.ofSeconds(120);

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration PACE = Duration.ofMillis(20);

	/**
	 * The broker settings that shorten a dead member's detection on the consumer protocol: the
	 * session (and the minimum the broker allows, 45 s by default like the session itself) and
	 * the heartbeat interval (5 s by default, and its minimum), as the library sets them for the
	 * classic protocol.
	 */
	static final Map<String, String> SHORT_CONSUMER_SESSION = Map.of("group.consumer.session.timeout.ms", "6000",
			"group.consumer.min.session.timeout.ms", "6000", "group.consumer.heartbeat.interval.ms", "2000",
			"group.consumer.min.heartbeat.interval.ms", "2000");

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@RegisterExtension
	final ForkedApps forked = new ForkedApps();

	@Test
	void measureTheCrashOfAServingResponderOnEachGroupProtocolAndInQueueMode() throws Exception {
		List<String> lines = new ArrayList<>();
		EmbeddedKafkaKraftBroker defaults = TestBroker.start("failover.kafka.brokers", Map.of());
		try {
			String servers = defaults.getBrokersAsString();
			lines.add(run("classic protocol", servers, Mode.CLASSIC, Duration.ofSeconds(20)));
			lines.add(run("consumer protocol, broker defaults", servers, Mode.CONSUMER, Duration.ofSeconds(70)));
			lines.add(run("queue mode", servers, Mode.QUEUE, Duration.ofSeconds(20)));
		}
		finally {
			defaults.destroy();
		}
		EmbeddedKafkaKraftBroker lowered = TestBroker.start("failover.lowered.kafka.brokers", SHORT_CONSUMER_SESSION);
		try {
			lines.add(run("consumer protocol, " + SHORT_CONSUMER_SESSION, lowered.getBrokersAsString(), Mode.CONSUMER,
					Duration.ofSeconds(25)));
		}
		finally {
			lowered.destroy();
		}
		lines.forEach((line) -> TestFigures.report("%s", line));
	}

	private String run(String name, String servers, Mode mode, Duration after) throws Exception {
		String prefix = "failover-" + mode.name().toLowerCase();
		int partitions = (mode == Mode.QUEUE) ? 1 : 4;
		String topic = TestBroker.uniqueTopic(prefix + "-requests");
		String group = TestBroker.uniqueTopic(prefix + "-group");
		List<String> properties = new ArrayList<>(List.of("test.topic=" + topic,
				"request-reply.handler.group-id=" + group,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic(prefix + "-responder-replies")));
		switch (mode) {
			case CONSUMER -> properties.add("request-reply.handler.consumer-properties[group.protocol]=consumer");
			case QUEUE -> {
				properties.add("request-reply.handler.queue=true");
				properties.add("request-reply.handler.queue-consumers=2");
			}
			default -> {
			}
		}
		createTopic(servers, topic, partitions);
		List<String> standby = new ArrayList<>(properties);
		standby.add("test.standby=true");
		ForkedJvm first = this.forked.fork(prefix + "-1", "responder", servers, standby);
		ForkedJvm second = this.forked.fork(prefix + "-2", "responder", servers, standby);
		first.await("ready", START);
		second.await("ready", START);
		if (mode == Mode.QUEUE) {
			String shareGroup = group + "." + topic + ".share";
			await().atMost(Duration.ofSeconds(60)).until(() -> QueueModeTests.members(servers, shareGroup) == 4);
		}
		else {
			await().atMost(Duration.ofSeconds(60)).until(() -> owned(first) > 0 && owned(second) > 0
					&& owned(first) + owned(second) == partitions);
		}
		ConfigurableApplicationContext requester = apps.start(servers, new Class<?>[] { RequesterApp.class },
				"spring.application.name=" + prefix + "-requesters",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic(prefix + "-replies"),
				"request-reply.handler.enabled=false");
		RequestReplyTemplate template = requester.getBean(RequestReplyTemplate.class);
		PacedLoad load = new PacedLoad(template, topic, partitions, (seq) -> TIMEOUT);
		load.start(PACE);
		await().atMost(Duration.ofSeconds(60)).until(() -> load.figures((p) -> true).replied() >= 250);
		long firstHandled = handled(first);
		long secondHandled = handled(second);
		ForkedJvm victim = (firstHandled >= secondHandled) ? first : second;
		ForkedJvm survivor = (victim == first) ? second : first;
		load.fault();
		victim.kill();
		int more = (int) (after.toMillis() / PACE.toMillis());
		await().atMost(after.multipliedBy(3)).until(() -> load.sentSinceFault() >= more);
		load.stop(Duration.ofSeconds(15));
		Figures figures = load.figures((p) -> true);
		Figures around = load.figuresSince(TIMEOUT);
		Long from = load.firstSufferedMs(TIMEOUT);
		long to = load.sufferedMs();
		String survivorStats = survivor.ask("stats", Duration.ofSeconds(10));
		requester.close();
		survivor.kill();
		assertThat(figures.lost()).isZero();
		return String.format("RELIABILITY failover %s: killed the responder that served %d (the other %d) under %d "
				+ "requests/s with %d s timeouts; degraded (first to last request that "
				+ "failed or took over 1 s, sent from %d s before the kill) from %s to %d ms after the kill (%s ms); "
				+ "of those sent since, %d failed, %d late; all: %s; survivor %s", name, Math.max(firstHandled, secondHandled),
				Math.min(firstHandled, secondHandled), 1000 / PACE.toMillis(), TIMEOUT.toSeconds(),
				TIMEOUT.toSeconds(), (from != null) ? from : "-", to, (from != null) ? String.valueOf(to - from) : "0",
				around.failed(), around.late(), figures, survivorStats);
	}

	private static void createTopic(String servers, String topic, int partitions) {
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
			admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create " + topic, ex);
		}
	}

	private static int owned(ForkedJvm responder) throws InterruptedException {
		String answer = responder.ask("assignment", Duration.ofSeconds(10));
		return answer.isEmpty() ? 0 : answer.split(",").length;
	}

	private static long handled(ForkedJvm responder) throws InterruptedException {
		return Long.parseLong(responder.ask("stats", Duration.ofSeconds(10)).replaceAll(".*handled=(\\d+).*", "$1"));
	}

	private enum Mode {

		CLASSIC, CONSUMER, QUEUE

	}

}
