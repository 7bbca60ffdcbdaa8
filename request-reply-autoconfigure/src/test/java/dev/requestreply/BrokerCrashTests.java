package dev.requestreply;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.requestreply.PacedLoad.Figures;
import dev.requestreply.TestResponders.EchoApp;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One broker of three killed outright (SIGKILL) under load: the leader of the reply partition,
 * so that no reply can be written until the controller moves its partitions. Each broker, and
 * the KRaft controller, runs in a JVM of its own, as in production; topics have RF 3 and
 * {@code min.insync.replicas=2}.
 */
@Tag("slow")
class BrokerCrashTests {

	private static final int BROKERS = 3;

	private static final Duration START = Duration.ofSeconds(120);

	private static Path directory;

	private static final List<ForkedJvm> nodes = new ArrayList<>();

	private static final Map<Integer, ForkedJvm> brokers = new LinkedHashMap<>();

	private static String bootstrapServers;

	private static Admin admin;

	@BeforeAll
	static void startCluster() throws Exception {
		directory = Files.createTempDirectory("rr-broker-crash");
		String clusterId = Uuid.randomUuid().toString();
		int controllerPort = freePort();
		String voters = "0@localhost:" + controllerPort;
		Map<String, String> common = Map.of("controller.quorum.voters", voters, "controller.listener.names",
				"CONTROLLER", "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
		start(0, clusterId, common, Map.of("process.roles", "controller", "listeners",
				"CONTROLLER://localhost:" + controllerPort));
		List<String> servers = new ArrayList<>();
		for (int id = 1; id <= BROKERS; id++) {
			int port = freePort();
			servers.add("localhost:" + port);
			Map<String, String> broker = new LinkedHashMap<>();
			broker.put("process.roles", "broker");
			broker.put("listeners", "PLAINTEXT://localhost:" + port);
			broker.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
			broker.put("inter.broker.listener.name", "PLAINTEXT");
			broker.put("offsets.topic.replication.factor", "3");
			broker.put("offsets.topic.num.partitions", "3");
			broker.put("transaction.state.log.replication.factor", "3");
			broker.put("group.initial.rebalance.delay.ms", "0");
			broker.put("min.insync.replicas", "2");
			brokers.put(id, start(id, clusterId, common, broker));
		}
		bootstrapServers = String.join(",", servers);
		admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
		await().atMost(START)
			.ignoreExceptions()
			.until(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == BROKERS);
	}

	private static ForkedJvm start(int id, String clusterId, Map<String, String> common, Map<String, String> own)
			throws IOException {
		Map<String, String> config = new LinkedHashMap<>(common);
		config.putAll(own);
		config.put("node.id", String.valueOf(id));
		config.put("log.dirs", directory.resolve("data-" + id).toString());
		Path file = directory.resolve("node-" + id + ".properties");
		Files.writeString(file, config.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + entry.getValue())
			.collect(Collectors.joining("\n")));
		try (PrintStream log = new PrintStream(Files.newOutputStream(directory.resolve("format-" + id + ".log")))) {
			int formatted = StorageTool.execute(new String[] { "format", "-t", clusterId, "-c", file.toString() }, log);
			assertThat(formatted).as("format of node %d", id).isZero();
		}
		ForkedJvm node = ForkedJvm.startLoggingTo("node-" + id, directory.resolve("node-" + id + ".log"),
				"kafka.Kafka", List.of(file.toString()));
		nodes.add(node);
		return node;
	}

	@AfterAll
	static void stopCluster() throws IOException {
		if (admin != null) {
			admin.close(Duration.ofSeconds(5));
		}
		nodes.forEach(ForkedJvm::kill);
		FileSystemUtils.deleteRecursively(directory);
	}

	@Test
	void whenTheReplyPartitionLeaderIsKilledUnderLoadThenRepliesResumeOnceANewLeaderIsElected()
			throws Exception {
		String requestTopic = TestBroker.uniqueTopic("bc-requests");
		String replyTopic = TestBroker.uniqueTopic("bc-replies");
		Map<String, String> minIsr = Map.of("min.insync.replicas", "2");
		admin.createTopics(List.of(new NewTopic(requestTopic, 3, (short) 3).configs(minIsr),
				new NewTopic(replyTopic, 1, (short) 3).configs(minIsr)))
			.all()
			.get(30, TimeUnit.SECONDS);
		try (ConfigurableApplicationContext app = TestApps.startAssigned(bootstrapServers,
				new Class<?>[] { EchoApp.class }, "test.topic=" + requestTopic,
				"request-reply.reply-topic=" + replyTopic, "request-reply.reply-topic-replication-factor=3",
				"request-reply.handler.group-id=" + TestBroker.uniqueTopic("bc-group"))) {
			RequestReplyTemplate template = app.getBean(RequestReplyTemplate.class);
			int victim = leaders(replyTopic).get(0);
			List<Integer> requestLeaders = leaders(requestTopic);
			PacedLoad load = new PacedLoad(template, requestTopic, 3, (seq) -> Duration.ofSeconds(10));
			load.start(Duration.ofMillis(20));
			await().atMost(Duration.ofSeconds(30)).until(() -> load.figures((p) -> true).replied() >= 50);
			load.fault();
			brokers.get(victim).kill();
			await().atMost(Duration.ofSeconds(120)).until(() -> load.sentSinceRecovery((p) -> true) >= 100);
			load.stop(Duration.ofSeconds(45));
			Figures all = load.figures((p) -> true);
			Figures duringOutage = load.figuresDuringOutage((p) -> true, (seq) -> true);
			System.out.printf("RELIABILITY broker-crash: broker %d killed (leader of the reply partition; request"
					+ " partition leaders %s, now %s); outage %d ms; all: %s; sent during the outage: %s;"
					+ " pending %d%n", victim, requestLeaders, leaders(requestTopic), all.outageMs(), all,
					duringOutage, template.getRegistry().pendingCount());
			assertThat(all.lost()).isZero();
			assertThat(all.wrong()).isZero();
			assertThat(all.outageMs()).isLessThan(30_000);
			assertThat(template.getRegistry().pendingCount()).isZero();
			assertThat(leaders(replyTopic)).doesNotContain(victim);
		}
	}

	private static List<Integer> leaders(String topic) throws Exception {
		return admin.describeTopics(Set.of(topic))
			.allTopicNames()
			.get(10, TimeUnit.SECONDS)
			.get(topic)
			.partitions()
			.stream()
			.map((partition) -> (partition.leader() != null) ? partition.leader().id() : -1)
			.toList();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
