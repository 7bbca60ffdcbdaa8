package dev.requestreply;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.Echo;
import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.responder.LoopRecorder;
import dev.requestreply.responder.core.ResponderEvent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A partition moved while its request is handled, with transactions: the old owner waits for it
 * up to the revoke grace, then ends it as cancelled, its reply never sent (a reply whose
 * transaction would commit after the partition moved is fenced by the group's new generation);
 * the partition's new owner handles the request again, and the requester sees one reply. The
 * first owner's event loop decided its requests: what it took is replayed through the
 * simulation's checks.
 */
class TransactionRebalanceTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@Test
	void whenAPartitionMovesWhileItsRequestIsHandledThenTheNewOwnerRunsItAgainAndOneReplyIsCommitted()
			throws Exception {
		String topic = TestBroker.createTopic("txmove-requests", 2);
		String group = TestBroker.uniqueTopic("txmove-group");
		String prefix = TestBroker.uniqueTopic("txmove-tx");
		ConfigurableApplicationContext first = responder(topic, group, prefix + "-a-");
		TestApps.awaitHandlersAssigned(first);
		Echo firstEcho = first.getBean(Echo.class);
		ReplyHandlerContainers firstContainers = first.getBean(ReplyHandlerContainers.class);
		List<ResponderEvent> firstEvents = LoopRecorder.record(firstContainers, "echo.echo");
		RequestReplyTemplate template = apps
			.startRequester(TestBroker.bootstrapServers(), "txmove-requesters", TestBroker.uniqueTopic("txmove-replies"),
					"spring.kafka.consumer.isolation-level=read-committed")
			.getBean(RequestReplyTemplate.class);
		firstEcho.gate.hold();
		List<CompletableFuture<String>> replies = List.of(
				template.request(new ProducerRecord<>(topic, 0, null, "p0"), String.class, Duration.ofSeconds(60)),
				template.request(new ProducerRecord<>(topic, 1, null, "p1"), String.class, Duration.ofSeconds(60)));
		firstEcho.gate.awaitWaiting(2);
		// A second instance joins: one of the two partitions moves to it while its request is held.
		ConfigurableApplicationContext second = responder(topic, group, prefix + "-b-");
		Echo secondEcho = second.getBean(Echo.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> TestApps.assignedPartitions(first) == 1
				&& TestApps.assignedPartitions(second) == 1);
		await().atMost(Duration.ofSeconds(30)).until(() -> secondEcho.gate.arrived() == 1);
		firstEcho.gate.release();
		for (CompletableFuture<String> reply : replies) {
			assertThat(reply.get(30, TimeUnit.SECONDS)).startsWith("echo:p");
		}
		ReplyHandlerStats stats = firstContainers.getStats().get("echo.echo");
		TestFigures.report("EXACTLY-ONCE partition moved during a transactional request: handler runs %d for 2 "
				+ "requests, cancelled at the revoke grace %d, replies not committed by the first owner %d, "
				+ "duplicates at the requester %d", firstEcho.gate.arrived() + secondEcho.gate.arrived(),
				stats.revokeCancelled(), stats.replyFailures(), template.getRegistry().duplicateReplyCount());
		// Each request cancelled at the grace ran again, once.
		assertThat(stats.revokeCancelled()).isPositive();
		assertThat(firstEcho.gate.arrived() + secondEcho.gate.arrived()).isEqualTo(2 + stats.revokeCancelled());
		assertThat(stats.replyFailures()).isZero();
		assertThat(template.getRegistry().duplicateReplyCount()).isZero();
		// Its core decided the first owner's requests (through the revocation): what its loop took
		// keeps every invariant of the simulation (the events are printed should one break).
		assertThat(LoopRecorder.replay(firstContainers, "echo.echo", firstEvents)).isGreaterThanOrEqualTo(6);
	}

	private ConfigurableApplicationContext responder(String topic, String group, String prefix) {
		return apps.start(new Class<?>[] { EchoApp.class }, "test.topic=" + topic,
				"request-reply.handler.group-id=" + group,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("txmove-responder-replies"),
				"spring.kafka.producer.transaction-id-prefix=" + prefix, "request-reply.handler.revoke-grace=1s");
	}

}
