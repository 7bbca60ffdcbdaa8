package dev.requestreply.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of request-reply.
 *
 * @since 0.1.0
 */
public enum RequestReplyObservation implements ObservationDocumentation {

	/**
	 * A request's round trip, from send to its end (reply, timeout, failure or cancellation). Its
	 * span is the parent of Spring Kafka's send span, and so an ancestor of the handler's span.
	 */
	REQUEST {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultRequestReplyObservationConvention.class;
		}

		@Override
		public String getPrefix() {
			return "requestreply";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return RequestLowCardinalityKeys.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return RequestHighCardinalityKeys.values();
		}

	};

	/**
	 * Low-cardinality keys of {@link #REQUEST}.
	 */
	public enum RequestLowCardinalityKeys implements KeyName {

		/**
		 * Topic the request was sent to.
		 */
		TOPIC {

			@Override
			public String asString() {
				return "topic";
			}

		},

		/**
		 * How the request ended: {@code success}, {@code timeout}, {@code error} or
		 * {@code cancelled}.
		 */
		OUTCOME {

			@Override
			public String asString() {
				return "outcome";
			}

		}

	}

	/**
	 * High-cardinality keys of {@link #REQUEST} (span tags only, never meter tags).
	 */
	public enum RequestHighCardinalityKeys implements KeyName {

		/**
		 * Correlation id of the request, in UUID form.
		 */
		CORRELATION_ID {

			@Override
			public String asString() {
				return "requestreply.correlation.id";
			}

		}

	}

}
