package dev.requestreply.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.requestreply.DurableOptions;
import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;
import dev.requestreply.DurableRequest;
import dev.requestreply.RequestReplyTemplate;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Implementation {@code ours-durable}: the same responder as {@code ours}, the requester
 * submitting durable requests ({@link RequestReplyTemplate#submit}) whose outcomes reach a
 * {@link DurableReplyListener @DurableReplyListener}; a round trip ends when the listener has the
 * outcome. What durability costs: the pending record written and acknowledged before the request,
 * the outcome read by the durable reply consumer, its delivery marker and tombstones.
 */
final class OursDurable {

	static final String NAME = "ours-durable";

	private static final String KIND = "bench";

	private OursDurable() {
	}

	/**
	 * The requester of {@code ours-durable}: the auto-configured template and the listener.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class RequesterApp {

		@Bean
		Outcomes benchDurableOutcomes() {
			return new Outcomes();
		}

	}

	/**
	 * The listener, completing the future of each submitted request with its outcome.
	 */
	static class Outcomes {

		private final ConcurrentHashMap<String, CompletableFuture<Object>> waiting = new ConcurrentHashMap<>();

		@DurableReplyListener(KIND)
		void onOutcome(DurableOutcome<String> outcome) {
			CompletableFuture<Object> future = this.waiting.computeIfAbsent(outcome.id(),
					(id) -> new CompletableFuture<>());
			if (outcome instanceof DurableOutcome.Replied<String> replied) {
				future.complete(replied.reply());
			}
			else {
				future.completeExceptionally(new IllegalStateException("Outcome " + outcome));
			}
		}

		CompletableFuture<?> submit(RequestReplyTemplate template, String topic, String payload) {
			DurableRequest request = template.submit(topic, payload,
					DurableOptions.kind(KIND).timeout(Duration.ofSeconds(30)));
			// The outcome may be there first: whichever comes first makes the future.
			CompletableFuture<Object> future = this.waiting.computeIfAbsent(request.id(),
					(id) -> new CompletableFuture<>());
			request.accepted().whenComplete((accepted, failure) -> {
				if (failure != null) {
					future.completeExceptionally(failure);
				}
			});
			future.whenComplete((outcome, failure) -> this.waiting.remove(request.id()));
			return future;
		}

		// The first outcome waits for the durable consumer's assignment and restore.
		void awaitFirst(RequestReplyTemplate template, String topic, String payload) throws Exception {
			submit(template, topic, payload).get(60, TimeUnit.SECONDS);
		}

	}

}
