package dev.requestreply.observation;

import java.util.function.ToDoubleFunction;

import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.requester.ReplyPartitionsView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

/**
 * Binds gauges of the reply partitions of this instance:
 * <ul>
 * <li>{@value #OWNED}: partitions allotted to this instance, named in its requests;</li>
 * <li>{@value #READ}: partitions it reads, owned or still awaited by its pending requests;</li>
 * <li>{@value #SHARED}: 1 while it owns none because more instances than partitions read the
 * reply topic (it reads them all), else 0.</li>
 * </ul>
 *
 * @since 0.2.0
 */
public class ReplyPartitionsMeterBinder implements MeterBinder {

	/**
	 * Name of the owned partitions gauge.
	 */
	public static final String OWNED = "requestreply.reply.partitions.owned";

	/**
	 * Name of the read partitions gauge.
	 */
	public static final String READ = "requestreply.reply.partitions.read";

	/**
	 * Name of the shared gauge.
	 */
	public static final String SHARED = "requestreply.reply.partitions.shared";

	private final RequestReplyTemplate template;

	/**
	 * Create a binder.
	 * @param template the template whose reply partitions are shown
	 */
	public ReplyPartitionsMeterBinder(RequestReplyTemplate template) {
		Assert.notNull(template, "'template' must not be null");
		this.template = template;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		gauge(registry, OWNED, "Reply partitions allotted to this instance", (view) -> view.owned().size());
		gauge(registry, READ, "Reply partitions this instance reads", (view) -> view.read().size());
		gauge(registry, SHARED, "1 while this instance owns no reply partition and reads them all",
				(view) -> view.shared() ? 1 : 0);
	}

	private void gauge(MeterRegistry registry, String name, String description,
			ToDoubleFunction<ReplyPartitionsView> value) {
		Gauge.builder(name, this.template, (template) -> value.applyAsDouble(template.getReplyPartitions()))
			.description(description)
			.register(registry);
	}

}
