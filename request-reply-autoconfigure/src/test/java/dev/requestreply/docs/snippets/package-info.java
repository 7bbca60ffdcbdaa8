/**
 * The Java snippets of the README and docs/, compiled here: each doc block marked
 * {@code <!-- snippet: FILE#TAG -->} is the region between {@code // tag::TAG[]} and
 * {@code // end::TAG[]} of FILE, checked by {@code SnippetsTests}.
 */
package dev.requestreply.docs.snippets;
