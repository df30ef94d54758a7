"""Schemathesis hooks of the contract test: `positive_data_acceptance` less the documented business rules.

Schemathesis's `positive_data_acceptance` check (ST202) fails whenever a request that fits the document's JSON Schema
is refused. Some refusals depend on what no schema can say: state (a name already taken, a folder that does not
exist), another field's value (direct access is for Postgres only), or the outside world (a database to connect to).
The spec states each of them in prose, in the operation's description or in the description of the answer that
refuses it; this check lets exactly those refusals through, recognised by operation, status and message, and fails
every other refusal of valid data as the built-in check does. `.ci/run` runs schemathesis with this check in place of
the built-in one (`--exclude-checks positive_data_acceptance`): see `xtask/src/contract.rs`.
"""

import re

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

# What a saved query's body is checked against besides its schema (create and PATCH alike).
SAVED_QUERY = [
    (400, "Folder not found.", "a folder_id must name an existing folder; the reference server has none"),
    (400, "A table with this name already exists.", "names are unique among tables and views: state"),
    (400, "Only staff users can create test views.", "is_test depends on the caller; no key is staff"),
    (400, "Query is required.", "query.query is a free string; HogQL is not in the schema"),
    (400, "Invalid query:", "query.query is a free string; HogQL is not in the schema"),
    (400, "Variables like {variables} and {filters} are not allowed in views.", "HogQL is not in the schema"),
]

# What an insight variable's body is checked against besides its schema (create and PATCH alike).
INSIGHT_VARIABLE = [
    (400, "Values must be a list of strings, numbers or booleans.", "values is JSON; its shape depends on type"),
]

# operationId -> (status, the refusal's text, why the schema cannot rule it out). The text is read from the body's
# `message` (PostHog's action errors), `detail` (PostHog's and the garden's validation bodies) or `notice` (the
# garden's Notice), and is matched by its start, or by a regular expression where the varying part is in the middle.
RULES = {
    # PostHog (spec/posthog.yaml), as the real server answers; see shared/reference/posthog-endpoints.md.
    "insight_variables_create": INSIGHT_VARIABLE
    + [
        (400, "Variable with this code name already exists", "code names are unique in a project: state"),
    ],
    "insight_variables_partial_update": INSIGHT_VARIABLE,
    "warehouse_saved_queries_create": SAVED_QUERY
    + [
        (400, "Failed to retrieve types for view", "query may be left out only with soft_update: true"),
    ],
    "warehouse_saved_queries_partial_update": SAVED_QUERY
    + [
        (400, "The query was modified by someone else.", "edited_history_id must be the latest: state"),
        (400, "Cannot update a query from a managed viewset", "depends on how it was created: state"),
    ],
    "external_data_sources_source_prefix_create": [
        (400, "Direct query mode is currently supported only for Postgres sources.", "depends on source_type"),
        (400, "Name is required for direct query sources", "depends on access_method"),
        (400, "Source type already exists. Prefix is required", "depends on the sources that exist: state"),
        (400, "Prefix already exists", "depends on the sources that exist: state"),
    ],
    "external_data_sources_check_cdc_prerequisites_create": [
        (400, "CDC prerequisite checks are only supported for Postgres.", "source_type is a free string"),
        (400, "Invalid source config:", "the connection settings are checked as Postgres checks them"),
        (400, "Could not connect to Postgres", "the database must be reachable"),
        (400, "Hosts with internal IP addresses are not allowed", "the host must be a public address"),
    ],
    "external_data_sources_database_schema_create": [
        (400, "Direct query mode is currently supported only for Postgres sources.", "depends on source_type"),
        (400, "Invalid source config:", "the credential fields depend on source_type and are not in the schema"),
        (400, "Missing required parameter:", "the credential fields depend on source_type"),
    ],
    "external_data_sources_update_webhook_inputs_create": [
        (400, "This source type does not support webhooks", "depends on the source's type: state"),
        (400, "No inputs provided", "inputs must not be empty; the spec language bounds no map's size"),
        (400, "Invalid input keys:", "the keys are the source type's webhookFields (see wizard)"),
        (400, "Missing required fields:", "the keys are the source type's webhookFields (see wizard)"),
        (400, "No webhook function found for this source.", "the source needs a webhook first: state"),
    ],
    # The garden (spec/examples/garden.yaml), as examples/garden implements it.
    "plants_update": [
        (422, "There is no plant", "parent_id must name a plant of the garden: state"),
        (422, "A plant cannot grow under itself or its offshoots.", "parent_id may not close a loop: state"),
        (422, "A plant named", "names are unique in a garden: state"),
    ],
    "sensors_record": [
        (422, "A series needs a name.", "the body's keys are free strings; the empty one is refused"),
    ],
    "sensors_harvest": [
        (400, "There is no plot", "plots are numbered 1 to 4; a path parameter has no bounds in the spec"),
        (400, re.compile(r"Plot \d+ was harvested already\.$"), "a plot is harvested once: state"),
    ],
}


def _refusal_text(response):
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    for key in ("message", "detail", "notice"):
        if isinstance(body.get(key), str):
            return body[key]
    return None


def is_business_rule(case, response):
    """Whether `response` is one of the documented refusals of `case`'s operation."""
    rules = RULES.get(case.operation.definition.raw.get("operationId"), [])
    text = _refusal_text(response)
    return text is not None and any(
        response.status_code == status and (text.startswith(text_) if isinstance(text_, str) else text_.match(text))
        for status, text_, _why in rules
    )


@schemathesis.check
def positive_data_acceptance_but_business_rules(ctx, response, case):
    """Valid data must be accepted, unless the refusal is one of the spec's documented business rules."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if is_business_rule(case, response):
            return None
        raise
