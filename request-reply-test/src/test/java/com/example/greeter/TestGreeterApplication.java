// tag::main[]
package com.example.greeter;

import dev.requestreply.test.DevelopmentKafkaBroker;

import org.springframework.boot.SpringApplication;

public class TestGreeterApplication {

	public static void main(String[] args) {
		SpringApplication.from(GreeterApplication::main).with(DevelopmentKafkaBroker.class).run(args);
	}

}
// end::main[]
