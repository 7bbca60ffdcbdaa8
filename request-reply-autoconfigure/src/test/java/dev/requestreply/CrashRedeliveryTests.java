package dev.requestreply;

import java.time.Duration;
import java.util.List;

import dev.requestreply.PacedLoad.Figures;
import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.TestResponders.RequesterApp;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A responder killed with SIGKILL under load, its handler taking 0 to 400 ms per request so that
 * many requests above the lowest unfinished one have finished at any time. Its partition moves
 * to a survivor, which handles again only what had not finished: the finished requests named by
 * the last commit's metadata are skipped (and counted), so the requests handled twice are at most
 * those finished since the last commit. Measured with the metadata and without it
 * ({@code request-reply.handler.offset-metadata-max-bytes=0}, only the lowest unfinished offset
 * committed), in one run.
 */
@Tag("slow")
class CrashRedeliveryTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final Duration START = Duration.ofSeconds(90);

	private static final Duration SEND_INTERVAL = Duration.ofMillis(5);

	@RegisterExtension
	final ForkedApps forked = new ForkedApps();

	@Test
	void whenAResponderIsKilledUnderLoadThenOnlyWhatHadNotFinishedRunsAgain() throws Exception {
		Run without = crash("without metadata", 0);
		Run with = crash("with metadata", 4096);
		TestFigures.report("RELIABILITY crash redelivery (SIGKILL, 200 requests/s, handler 0-400 ms, commit interval "
				+ "100 ms): handler runs repeated without the metadata %d, with it %d (skipped as finished %d; "
				+ "replies from 300 ms before the kill on %d / %d)", without.repeated(), with.repeated(),
				with.skipped(), without.recentReplies(), with.recentReplies());
		assertThat(with.figures().lost()).isZero();
		assertThat(with.skipped()).isPositive();
		// What ran twice finished after the last commit the victim made before it died.
		assertThat(with.repeated()).isLessThanOrEqualTo(with.recentReplies());
		assertThat(without.skipped()).isZero();
	}

	private Run crash(String label, int metadataBytes) throws Exception {
		String topic = TestBroker.createTopic("redelivery-requests", 1);
		String group = TestBroker.uniqueTopic("redelivery-group");
		List<String> properties = List.of("test.topic=" + topic, "request-reply.handler.group-id=" + group,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("redelivery-responder-replies"),
				"test.echo.max-delay-ms=400", "request-reply.handler.offset-metadata-max-bytes=" + metadataBytes);
		ForkedJvm victim = this.forked.fork("victim-" + metadataBytes, "responder", properties);
		victim.await("ready", START);
		// Joins the group, owns nothing until the victim is gone.
		ConfigurableApplicationContext survivor = apps.start(new Class<?>[] { EchoApp.class },
				properties.toArray(String[]::new));
		RequestReplyTemplate template = apps
			.start(new Class<?>[] { RequesterApp.class }, "spring.application.name=redelivery-requesters",
					"request-reply.reply-topic=" + TestBroker.uniqueTopic("redelivery-replies"),
					"request-reply.handler.enabled=false")
			.getBean(RequestReplyTemplate.class);
		PacedLoad load = new PacedLoad(template, topic, 1, (seq) -> Duration.ofSeconds(60));
		load.start(SEND_INTERVAL);
		await().atMost(Duration.ofSeconds(60)).until(() -> load.figures((p) -> true).replied() >= 1_000);
		load.fault();
		victim.kill();
		await().atMost(Duration.ofSeconds(60)).until(() -> load.sentSinceRecovery((p) -> true) >= 200);
		// Replies the victim sent from shortly before its last commit to its death (the survivor
		// answers nothing within a second of it: the group waits for the victim's session first).
		int recentReplies = load.repliedAroundFault(Duration.ofMillis(300), Duration.ofSeconds(1));
		load.stop(Duration.ofSeconds(60));
		ReplyHandlerStats stats = survivor.getBean(ReplyHandlerContainers.class).getStats().get("echo.echo");
		Run run = new Run(load.figures((p) -> true), (int) template.getRegistry().duplicateReplyCount(),
				stats.alreadyFinished(), recentReplies);
		TestFigures.report("RELIABILITY crash redelivery %s: %s; duplicate replies %d, skipped as finished %d",
				label, run.figures(), run.repeated(), run.skipped());
		survivor.close();
		return run;
	}

	/**
	 * What one crash did: {@code repeated} requests answered by both responders (the survivor ran
	 * them again), {@code skipped} delivered again but named finished by the commit's metadata.
	 */
	private record Run(Figures figures, int repeated, long skipped, int recentReplies) {

	}

}
