package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.jspecify.annotations.Nullable;

/**
 * Looks up reply topics with an admin client ({@code describeTopics}), created on first use from
 * the application's admin configuration (so that {@code spring.kafka.*} connection and security
 * settings apply). Its metadata requests never create a topic.
 */
final class AdminTopicLookup implements ReplyTopics.Lookup {

	private final Map<String, Object> adminConfig;

	// Guarded by this.
	private @Nullable Admin admin;

	// Guarded by this.
	private boolean closed;

	AdminTopicLookup(Map<String, Object> adminConfig) {
		this.adminConfig = Map.copyOf(adminConfig);
	}

	@Override
	public CompletableFuture<Integer> partitions(String topic) {
		DescribeTopicsOptions options = new DescribeTopicsOptions()
			.timeoutMs((int) ReplyTopics.LOOKUP_TIMEOUT.toMillis());
		return Objects.requireNonNull(admin().describeTopics(List.of(topic), options).topicNameValues().get(topic))
			.toCompletionStage()
			.toCompletableFuture()
			.thenApply((description) -> description.partitions().size());
	}

	private synchronized Admin admin() {
		if (this.closed) {
			throw new IllegalStateException("The handlers were stopped");
		}
		Admin created = this.admin;
		if (created == null) {
			created = Admin.create(this.adminConfig);
			this.admin = created;
		}
		return created;
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.admin != null) {
			// Lookups under way fail at once: nobody waits for them any more.
			this.admin.close(Duration.ZERO);
			this.admin = null;
		}
	}

}
