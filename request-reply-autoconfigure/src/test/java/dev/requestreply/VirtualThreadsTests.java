package dev.requestreply;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * With {@code spring.threads.virtual.enabled=true} on Java 21 or later, the threads the library
 * starts run on virtual threads, but for its two timers. Shown in a JVM of its own on the newest
 * Java 21+ found (this build runs on Java 17): its threads are read from a thread dump, the only
 * listing that has virtual threads.
 */
@Tag("slow")
class VirtualThreadsTests {

	private static final Duration START = Duration.ofSeconds(120);

	@Test
	void whenVirtualThreadsAreEnabledThenTheLibrarysLoopsRunOnVirtualThreadsButItsTimers() throws Exception {
		Optional<Path> java = ForkedJvm.javaHome(21);
		assumeTrue(java.isPresent(), "No Java 21 or later found (this JVM, -Dtest.java21.home, /usr/lib/jvm): "
				+ "virtual threads cannot be shown");
		String topic = TestBroker.createTopic("virtual-requests", 2);
		String replyTopic = TestBroker.uniqueTopic("virtual-replies");
		ForkedJvm jvm = ForkedJvm.start("virtual", java.get(), VirtualThreadsApp.class,
				List.of(TestBroker.bootstrapServers(), "spring.threads.virtual.enabled=true", "test.topic=" + topic,
						"request-reply.reply-topic=" + replyTopic, "request-reply.fail-fast-without-responders=true",
						"request-reply.handler.group-id=" + TestBroker.uniqueTopic("virtual-group")));
		try {
			Map<String, String> threads = parse(jvm.await("threads", START));
			System.out.println("Threads on " + java.get() + ":");
			threads.forEach((name, kind) -> System.out.println("  " + kind + "  " + name));
			assertThat(kinds(threads, "handler:")).containsOnly("virtual");
			assertThat(kinds(threads, "completion:" + "request-reply-completion-")).containsOnly("virtual");
			// Each handler's consumers, as Boot does for @KafkaListener containers.
			assertThat(kinds(threads, "replyHandler-")).containsOnly("virtual");
			assertThat(threads).containsEntry("request-reply-" + replyTopic + "-draining", "virtual")
				.containsEntry("request-reply-" + replyTopic + "-owned", "virtual")
				.containsEntry("request-reply-cancels", "virtual")
				.containsEntry("request-reply-responders", "virtual")
				// The timers stay platform threads: they must fire even when handlers keep every
				// carrier thread busy.
				.containsEntry("request-reply-timer", "platform")
				.containsEntry("request-reply-watchdog", "platform");
		}
		finally {
			jvm.kill();
		}
	}

	private static List<String> kinds(Map<String, String> threads, String prefix) {
		List<String> kinds = threads.entrySet()
			.stream()
			.filter((thread) -> thread.getKey().startsWith(prefix))
			.map(Map.Entry::getValue)
			.toList();
		assertThat(kinds).as("threads named " + prefix + "*").isNotEmpty();
		return kinds;
	}

	private static Map<String, String> parse(String answer) {
		Map<String, String> threads = new LinkedHashMap<>();
		for (String thread : answer.split(";")) {
			if (!thread.isEmpty()) {
				int equals = thread.lastIndexOf('=');
				threads.put(thread.substring(0, equals), thread.substring(equals + 1));
			}
		}
		return threads;
	}

}
