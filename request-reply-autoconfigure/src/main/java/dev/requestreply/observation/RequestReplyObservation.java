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
	 * High-cardinality keys of {@link #REQUEST}: span tags, never meter tags. The
	 * {@code messaging.*} keys are named as in Spring Kafka's own observations and OpenTelemetry's
	 * messaging conventions; they are high-cardinality here, although most of them have few values,
	 * so that the meters an observation handler makes of this observation keep their tags
	 * ({@code topic}, {@code outcome}, {@code error}).
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

		},

		/**
		 * Correlation id of the request, in UUID form, under OpenTelemetry's messaging name.
		 */
		CONVERSATION_ID {

			@Override
			public String asString() {
				return "messaging.message.conversation_id";
			}

		},

		/**
		 * Messaging system: {@code kafka}, as in Spring Kafka's observations.
		 */
		MESSAGING_SYSTEM {

			@Override
			public String asString() {
				return "messaging.system";
			}

		},

		/**
		 * Operation: {@code request}, a round trip (the send within it is Spring Kafka's
		 * {@code publish}).
		 */
		MESSAGING_OPERATION {

			@Override
			public String asString() {
				return "messaging.operation";
			}

		},

		/**
		 * Topic the request was sent to, as in Spring Kafka's template observation.
		 */
		MESSAGING_DESTINATION_NAME {

			@Override
			public String asString() {
				return "messaging.destination.name";
			}

		},

		/**
		 * Kind of destination: {@code topic}, as in Spring Kafka's template observation.
		 */
		MESSAGING_DESTINATION_KIND {

			@Override
			public String asString() {
				return "messaging.destination.kind";
			}

		}

	}

}
