package dev.requestreply.docs.snippets

import dev.requestreply.convert.PayloadConversionException
import dev.requestreply.convert.PayloadConverter
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatExceptionOfType
import org.junit.jupiter.api.Test
import tools.jackson.databind.json.JsonMapper
import tools.jackson.module.kotlin.KotlinModule

/**
 * What docs/kotlin.md says of Jackson and data classes: a request that omits a field with a
 * default binds only with jackson-module-kotlin; without it the payload does not convert, which a
 * handler answers with an INVALID_ARGUMENT error reply.
 */
class KotlinJacksonTests {

	// tag::kotlin-jackson[]
	data class QuoteQuery(val symbol: String, val currency: String = "USD")
	// {"symbol":"ACME"}: INVALID_ARGUMENT without jackson-module-kotlin, QuoteQuery("ACME", "USD") with it
	// end::kotlin-jackson[]

	private val omitted = """{"symbol":"ACME"}""".toByteArray()

	@Test
	fun whenTheKotlinModuleIsRegisteredThenAnOmittedFieldTakesItsDefault() {
		val converter = PayloadConverter(JsonMapper.builder().addModule(KotlinModule.Builder().build()).build())
		assertThat(converter.fromBytes(omitted, QuoteQuery::class.java)).isEqualTo(QuoteQuery("ACME"))
	}

	@Test
	fun whenSpringBootFindsTheKotlinModuleThenAnOmittedFieldTakesItsDefault() {
		// As Spring Boot builds its JsonMapper (spring.jackson.find-and-add-modules, true by default).
		val converter = PayloadConverter(JsonMapper.builder().findAndAddModules().build())
		assertThat(converter.fromBytes(omitted, QuoteQuery::class.java)).isEqualTo(QuoteQuery("ACME"))
	}

	@Test
	fun whenTheKotlinModuleIsMissingThenAnOmittedFieldFailsTheConversion() {
		val converter = PayloadConverter(JsonMapper.builder().build())
		assertThat(converter.fromBytes("""{"symbol":"ACME","currency":"EUR"}""".toByteArray(), QuoteQuery::class.java))
			.isEqualTo(QuoteQuery("ACME", "EUR"))
		assertThatExceptionOfType(PayloadConversionException::class.java)
			.isThrownBy { converter.fromBytes(omitted, QuoteQuery::class.java) }
	}

}
