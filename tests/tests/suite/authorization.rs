//! The authorization matrix: every root field of `schema.graphql`, called anonymously, with a bad
//! token and as a user of each single role, against the one access table
//! (`cordtrace_api::access::RULES`). An operation added without a rule fails this test.
//!
//! Calls use placeholder arguments built from the SDL types, so most allowed calls end in
//! VALIDATION or NOT_FOUND; what matters is that only the access table decides who gets
//! FORBIDDEN or UNAUTHENTICATED. Arguments named like a password get the caller's real password,
//! so that signature re-checks do not count toward a lockout and skew later calls.

use std::collections::HashMap;
use std::path::PathBuf;

use async_graphql::parser::types::{
    BaseType, FieldDefinition, Type, TypeKind, TypeSystemDefinition,
};
use cordtrace_api::access::{Access, RULES, rule};
use cordtrace_domain::Role;
use cordtrace_tests::{GqlResponse, PASSWORD, TestServer};
use serde_json::json;

/// What the SDL says about each named type.
#[derive(Clone, Debug)]
enum Named {
    Scalar,
    Enum(Vec<String>),
    /// Fields (name, type, whether it has a default) and whether it is `@oneOf`.
    Input(Vec<(String, Type, bool)>, bool),
    Output,
}

/// One root field and a call of it.
#[derive(Debug)]
struct Operation {
    /// `Query.me`, as the access table names it.
    name: String,
    /// A complete document calling it.
    document: String,
}

struct Schema {
    types: HashMap<String, Named>,
    operations: Vec<Operation>,
}

fn committed_schema() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn parse_schema(sdl: &str) -> Schema {
    let document = async_graphql::parser::parse_schema(sdl).expect("schema.graphql parses");
    let mut types = HashMap::new();
    let mut roots: Vec<(String, Vec<FieldDefinition>)> = Vec::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else {
            continue;
        };
        let definition = definition.node;
        let name = definition.name.node.to_string();
        let named = match definition.kind {
            TypeKind::Scalar => Named::Scalar,
            TypeKind::Enum(enumeration) => Named::Enum(
                enumeration
                    .values
                    .iter()
                    .map(|value| value.node.value.node.to_string())
                    .collect(),
            ),
            TypeKind::InputObject(input) => Named::Input(
                input
                    .fields
                    .iter()
                    .map(|field| {
                        let field = &field.node;
                        (
                            field.name.node.to_string(),
                            field.ty.node.clone(),
                            field.default_value.is_some(),
                        )
                    })
                    .collect(),
                definition
                    .directives
                    .iter()
                    .any(|directive| directive.node.name.node == "oneOf"),
            ),
            TypeKind::Object(object) => {
                if name == "Query" || name == "Mutation" {
                    roots.push((
                        name.clone(),
                        object.fields.into_iter().map(|field| field.node).collect(),
                    ));
                }
                Named::Output
            }
            TypeKind::Interface(_) | TypeKind::Union(_) => Named::Output,
        };
        types.insert(name, named);
    }
    let mut operations = Vec::new();
    for (root, fields) in roots {
        for field in fields {
            let document = call(&types, &root, &field);
            operations.push(Operation {
                name: format!("{root}.{}", field.name.node),
                document,
            });
        }
    }
    Schema { types, operations }
}

fn named_type(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named_type(inner),
    }
}

/// A GraphQL literal of type `ty` for an argument or input field called `name`.
fn placeholder(types: &HashMap<String, Named>, name: &str, ty: &Type, depth: usize) -> String {
    assert!(depth < 16, "input types nest too deep at `{name}`");
    if let BaseType::List(inner) = &ty.base {
        return format!("[{}]", placeholder(types, name, inner, depth + 1));
    }
    let type_name = named_type(ty);
    match (type_name, types.get(type_name)) {
        _ if type_name == "String" && name.to_lowercase().contains("password") => {
            format!("{PASSWORD:?}")
        }
        ("String" | "ID", _) => "\"x\"".to_owned(),
        ("Int", _) => "1".to_owned(),
        ("Float", _) => "1.0".to_owned(),
        ("Boolean", _) => "false".to_owned(),
        ("UUID", _) => format!("\"{}\"", uuid::Uuid::new_v4()),
        ("DateTime", _) => "\"2026-11-25T08:00:00Z\"".to_owned(),
        ("Date" | "NaiveDate", _) => "\"2026-11-25\"".to_owned(),
        ("JSON", _) => "{}".to_owned(),
        (_, Some(Named::Enum(values))) => values
            .first()
            .unwrap_or_else(|| panic!("enum {type_name} has no value"))
            .clone(),
        (_, Some(Named::Input(fields, one_of))) => {
            // A `@oneOf` input takes exactly one field: the first.
            let required: Vec<String> = fields
                .iter()
                .take(if *one_of { 1 } else { fields.len() })
                .filter(|(_, field_type, has_default)| {
                    *one_of || (!field_type.nullable && !has_default)
                })
                .map(|(field_name, field_type, _)| {
                    format!(
                        "{field_name}: {}",
                        placeholder(types, field_name, field_type, depth + 1)
                    )
                })
                .collect();
            format!("{{ {} }}", required.join(", "))
        }
        (_, Some(Named::Scalar)) => "\"x\"".to_owned(),
        (_, Some(Named::Output) | None) => {
            panic!("argument `{name}` has type {type_name}, which is not an input type")
        }
    }
}

/// A document that calls `field` of `root` with placeholder values for its required arguments.
fn call(types: &HashMap<String, Named>, root: &str, field: &FieldDefinition) -> String {
    let arguments: Vec<String> = field
        .arguments
        .iter()
        .map(|argument| &argument.node)
        .filter(|argument| !argument.ty.node.nullable && argument.default_value.is_none())
        .map(|argument| {
            let name = argument.name.node.as_str();
            format!("{name}: {}", placeholder(types, name, &argument.ty.node, 0))
        })
        .collect();
    let arguments = if arguments.is_empty() {
        String::new()
    } else {
        format!("({})", arguments.join(", "))
    };
    let selection = match types.get(named_type(&field.ty.node)) {
        Some(Named::Output) => " { __typename }",
        _ => "",
    };
    let keyword = if root == "Mutation" {
        "mutation"
    } else {
        "query"
    };
    format!("{keyword} {{ {}{arguments}{selection} }}", field.name.node)
}

/// Who is calling.
#[derive(Clone, Copy, Debug)]
enum Caller {
    Anonymous,
    BadToken,
    Role(Role),
}

/// Whether the access control refused the call, and how. A ledger read's refusal of a subject
/// the caller's roles do not read (`SUBJECT_NOT_READABLE`, such as `ledgerEntry(seq: 1)` for QA
/// when entry 1 registers a user) depends on the entry, not on the table: `read_rules.rs` holds
/// those reads to account.
fn access_refusal(response: &GqlResponse) -> Option<String> {
    if response.reason_codes() == ["SUBJECT_NOT_READABLE"] {
        return None;
    }
    response
        .error_codes()
        .into_iter()
        .find(|code| code == "FORBIDDEN" || code == "UNAUTHENTICATED")
}

fn is_public_refusal_of_credentials(response: &GqlResponse) -> bool {
    response.body["errors"][0]["message"] == "invalid username or password"
}

/// Checks one call against the table; returns a line describing a mismatch.
fn judge(operation: &Operation, caller: Caller, response: &GqlResponse) -> Option<String> {
    let Some(access) = rule(&operation.name) else {
        return Some(format!("{} has no rule in access::RULES", operation.name));
    };
    let outcome = access_refusal(response);
    let expected: Option<&str> = match (access, caller) {
        (Access::Public, _) => None,
        (_, Caller::Anonymous | Caller::BadToken) => Some("UNAUTHENTICATED"),
        (Access::Authenticated, Caller::Role(_)) => None,
        (Access::Roles(allowed), Caller::Role(role)) if allowed.contains(&role) => None,
        (Access::Roles(_), Caller::Role(_)) => Some("FORBIDDEN"),
    };
    let matches = match (expected, outcome.as_deref()) {
        // A public login refuses bad credentials with UNAUTHENTICATED, which is not the access
        // control speaking.
        (None, Some("UNAUTHENTICATED"))
            if access == Access::Public && is_public_refusal_of_credentials(response) =>
        {
            true
        }
        (None, None) => true,
        (Some(expected), Some(actual)) => expected == actual,
        _ => false,
    };
    (!matches).then(|| {
        format!(
            "{} as {caller:?}: expected {}, got {}",
            operation.name,
            expected.unwrap_or("no access refusal"),
            response.body
        )
    })
}

#[test]
fn every_operation_in_the_schema_has_a_rule_and_every_rule_an_operation() {
    let schema = parse_schema(&committed_schema());
    assert!(
        schema.operations.iter().any(|op| op.name == "Query.me")
            && schema
                .operations
                .iter()
                .any(|op| op.name == "Mutation.login"),
        "the parser found the root types"
    );
    let missing: Vec<&str> = schema
        .operations
        .iter()
        .map(|op| op.name.as_str())
        .filter(|name| rule(name).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a rule in access::RULES: {missing:?}"
    );
    let stale: Vec<&str> = RULES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| name.starts_with("Query.") || name.starts_with("Mutation."))
        .filter(|name| !schema.operations.iter().any(|op| op.name == *name))
        .collect();
    assert!(stale.is_empty(), "rules for no operation: {stale:?}");
    let mut names: Vec<&str> = RULES.iter().map(|(name, _)| *name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), RULES.len(), "a rule is listed twice");
    assert!(schema.types.contains_key("Role"));
}

#[test]
fn placeholders_follow_the_sdl_types() {
    let schema = parse_schema(
        r#"
        enum Meaning { AUTHORSHIP REVIEW }
        input Signature { password: String!, meaning: Meaning!, note: String }
        input Outer { name: String!, count: Int = 3, tags: [String!]!, signature: Signature!, from: From! }
        input From @oneOf { unitId: UUID, lotId: UUID }
        type Thing { id: ID! }
        type Query { thing(id: UUID!, outer: Outer!, first: Int, flag: Boolean!): Thing! count: Int! }
        type Mutation { touch(at: DateTime!, size: Float!): Boolean! }
        scalar UUID
        scalar DateTime
        "#,
    );
    let documents: HashMap<&str, &str> = schema
        .operations
        .iter()
        .map(|op| (op.name.as_str(), op.document.as_str()))
        .collect();
    // Random UUIDs become `U`.
    let thing: String = documents["Query.thing"]
        .split('"')
        .map(|part| {
            if uuid::Uuid::parse_str(part).is_ok() {
                "U"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("\"");
    assert_eq!(
        thing,
        format!(
            "query {{ thing(id: \"U\", outer: {{ name: \"x\", tags: [\"x\"], signature: \
             {{ password: {PASSWORD:?}, meaning: AUTHORSHIP }}, from: {{ unitId: \"U\" }} }}, \
             flag: false) {{ __typename }} }}"
        )
    );
    assert_eq!(documents["Query.count"], "query { count }");
    assert_eq!(
        documents["Mutation.touch"],
        "mutation { touch(at: \"2026-11-25T08:00:00Z\", size: 1.0) }"
    );
}

/// Calls every operation as `caller` and returns the mismatches. Mutations named `logout` run
/// last, since they end the caller's session.
async fn walk(
    server: &TestServer,
    operations: &[Operation],
    caller: Caller,
    token: Option<&str>,
) -> Vec<String> {
    let mut ordered: Vec<&Operation> = operations.iter().collect();
    ordered.sort_by_key(|op| op.name == "Mutation.logout");
    let mut mismatches = Vec::new();
    for operation in ordered {
        let response = server.gql(token, &operation.document, json!({})).await;
        let codes = response.error_codes();
        assert!(
            codes.iter().all(|code| !code.is_empty()),
            "{} as {caller:?}: an error without a code: {}",
            operation.name,
            response.body
        );
        assert!(
            !codes.iter().any(|code| code == "INTERNAL"),
            "{} as {caller:?}: {}",
            operation.name,
            response.body
        );
        mismatches.extend(judge(operation, caller, &response));
    }
    mismatches
}

#[tokio::test]
async fn every_operation_answers_every_caller_as_the_access_table_says() {
    let schema = parse_schema(&committed_schema());
    // Placeholders never guess a password wrong, but keep any stray failure from locking a user.
    let server = TestServer::start_with(|settings| settings.lockout_failures = 1000).await;
    let mut mismatches = Vec::new();
    mismatches.extend(walk(&server, &schema.operations, Caller::Anonymous, None).await);
    mismatches.extend(
        walk(
            &server,
            &schema.operations,
            Caller::BadToken,
            Some("not-a-session-token"),
        )
        .await,
    );
    let mut callers = Vec::new();
    for role in Role::ALL {
        let username = format!("matrix.{}", role.as_str());
        callers.push((role, server.user_token(&username, &[role]).await));
    }
    for (role, token) in &callers {
        mismatches.extend(
            walk(
                &server,
                &schema.operations,
                Caller::Role(*role),
                Some(token),
            )
            .await,
        );
    }
    // Aliases and fragments do not change which field is asked for. (The walk logged every
    // caller out, so log in again.)
    let technician = &server
        .login(&format!("matrix.{}", Role::Technician.as_str()), PASSWORD)
        .await;
    for document in [
        "{ me: users { __typename } }",
        "{ ...F } fragment F on Query { users { __typename } }",
        "{ ... on Query { users { __typename } } }",
        "mutation { login: unlockUser(userId: \"00000000-0000-0000-0000-000000000000\") { __typename } }",
    ] {
        let response = server.gql(Some(technician), document, json!({})).await;
        assert_eq!(response.error_code(), "FORBIDDEN", "{document}");
    }
    mismatches.sort();
    mismatches.dedup();
    assert!(
        mismatches.is_empty(),
        "{} calls disagree with access::RULES:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    server.finish().await;
}
