package dev.requestreply.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Convention of {@link RequestReplyObservation#REQUEST} observations; implement it to change
 * their name or key values.
 *
 * @since 0.1.0
 */
public interface RequestReplyObservationConvention extends ObservationConvention<RequestReplyObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof RequestReplyObservationContext;
	}

	@Override
	default String getName() {
		return "requestreply.request";
	}

}
