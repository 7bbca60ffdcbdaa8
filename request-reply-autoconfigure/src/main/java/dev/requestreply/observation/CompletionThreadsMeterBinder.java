package dev.requestreply.observation;

import dev.requestreply.RequestReplyTemplate;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

/**
 * Binds the meters of the completion threads, where futures complete and callers' callbacks run:
 * <ul>
 * <li>{@value #THREADS}: a gauge of the threads the completion pool runs (-1 on virtual threads);</li>
 * <li>{@value #SATURATIONS}: a counter of the times callbacks that block saturated the pool (at
 * its maximum, every thread blocked with completions waiting), when futures complete late.</li>
 * </ul>
 *
 * @since 0.4.0
 */
public class CompletionThreadsMeterBinder implements MeterBinder {

	/**
	 * Name of the completion threads gauge.
	 */
	public static final String THREADS = "requestreply.completion.threads";

	/**
	 * Name of the completion pool saturations counter.
	 */
	public static final String SATURATIONS = "requestreply.completion.saturations";

	private final RequestReplyTemplate template;

	/**
	 * Create a binder.
	 * @param template the template whose completion threads are shown
	 */
	public CompletionThreadsMeterBinder(RequestReplyTemplate template) {
		Assert.notNull(template, "'template' must not be null");
		this.template = template;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(THREADS, this.template, (template) -> template.getCompletionThreads().threads())
			.description("Threads futures complete on, where callbacks run (-1 on virtual threads)")
			.register(registry);
		FunctionCounter
			.builder(SATURATIONS, this.template, (template) -> template.getCompletionThreads().saturations())
			.description("Times callbacks that block held every completion thread at the pool's maximum")
			.register(registry);
	}

}
