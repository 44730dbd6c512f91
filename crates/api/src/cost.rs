//! What a document costs, computed before it is validated or executed.
//!
//! async-graphql's own depth and complexity limits walk a document with every fragment spread
//! expanded in place (and so does its parse-time recursion-depth check), so a document of a few
//! hundred bytes whose fragments each spread the previous one twice costs exponential time and
//! memory before it is refused. Here every
//! fragment is costed once, in dependency order, and a spread adds the fragment's memoised cost:
//! the work is linear in the size of the document whatever the size of its expansion, and the
//! arithmetic saturates instead of growing. A document over [`MAX_COST`], or with more than one
//! password check, is refused with VALIDATION before async-graphql looks at it further.
//!
//! Every selection costs at least one, `__typename` included. A field named in [`WEIGHTS`]
//! costs what its resolver really costs, relative to a plain field; a field with a `first`
//! argument multiplies the cost of its selection by the page it asks for.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::parser::types::{
    ExecutableDocument, Field, FragmentDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::registry::{MetaField, MetaTypeName, Registry};
use async_graphql::{Name, Positioned, Request, ServerError, ServerResult, Value, Variables};

use crate::error::ApiError;
use crate::paging::MAX_PAGE;

/// The most a document may cost.
pub const MAX_COST: u64 = 50_000;

/// The most password checks (a login, a password change or hash, an electronic signature) one
/// document may ask for: each is an argon2 computation, and each failure counts toward a lockout.
pub const MAX_PASSWORD_CHECKS: u64 = 1;

/// The deepest nesting of selection sets costed; deeper documents are refused here, before the
/// walk could exhaust the stack (execution allows far less: [`crate::MAX_DEPTH`]).
const MAX_NESTING: usize = 64;

/// The page assumed for a `first` argument that is absent, or a variable that is not given:
/// the largest default page of the API's connections.
const DEFAULT_PAGE: u64 = 100;

/// Resolvers that cost more than reading a column, by `Type.field`, and what they cost in
/// plain fields: a recursive lineage statement takes milliseconds at facility scale where a
/// column takes microseconds.
pub const WEIGHTS: &[(&str, u64)] = &[
    // Reads and rehashes the whole ledger and replays it: one per document, and a document that
    // asks for it asks for little else.
    ("Query.verifyLedger", MAX_COST / 2),
    // One recursive statement per trace, per count, per page.
    ("Query.upstream", 1_000),
    ("Query.downstream", 1_000),
    ("Downstream.lotCount", 1_000),
    ("Downstream.unitCount", 1_000),
    ("Downstream.administrationCount", 1_000),
    ("Downstream.lots", 1_000),
    ("Downstream.units", 1_000),
    ("Downstream.administrations", 1_000),
    // A whole trace with every lot, unit and patient it reaches.
    ("Query.lookback", 5_000),
    // Aggregates every administration and visit.
    ("Query.outcomeSummary", 5_000),
    // Writes one entry per lot and unit a trace reaches.
    ("Mutation.recall", 5_000),
];

/// Mutations that compare or hash a password, besides those taking a `signature`.
pub const PASSWORD_FIELDS: &[&str] = &[
    "Mutation.login",
    "Mutation.changePassword",
    "Mutation.createUser",
    "Mutation.resetPassword",
];

/// The input type of an electronic signature: a field taking it re-checks a password.
const SIGNATURE_INPUT: &str = "SignatureInput";

/// What a selection costs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Cost {
    units: u64,
    password_checks: u64,
}

impl Cost {
    fn add(self, other: Cost) -> Cost {
        Cost {
            units: self.units.saturating_add(other.units),
            password_checks: self.password_checks.saturating_add(other.password_checks),
        }
    }

    fn times(self, factor: u64) -> Cost {
        Cost {
            units: self.units.saturating_mul(factor),
            password_checks: self.password_checks.saturating_mul(factor),
        }
    }
}

/// Why a document is refused before validation.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
enum CostError {
    #[error("the document costs {0} or more, over the limit of {MAX_COST}")]
    TooCostly(u64),
    #[error(
        "the document checks a password {0} times; send one login, password change or signature per request"
    )]
    TooManyPasswordChecks(u64),
    #[error("fragment `{0}` spreads itself")]
    FragmentCycle(String),
    #[error("selections are nested more than {MAX_NESTING} deep")]
    TooDeep,
}

impl CostError {
    fn reason(&self) -> &'static str {
        match self {
            CostError::TooCostly(_) => "TOO_COSTLY",
            CostError::TooManyPasswordChecks(_) => "ONE_PASSWORD_CHECK_PER_REQUEST",
            CostError::FragmentCycle(_) => "FRAGMENT_CYCLE",
            CostError::TooDeep => "TOO_DEEP",
        }
    }
}

/// Costs documents against one schema's registry.
struct Costing<'a> {
    registry: &'a Registry,
    variables: &'a Variables,
    /// Fragment costs, filled in dependency order so that every spread finds its fragment.
    fragments: HashMap<&'a str, Cost>,
}

impl<'a> Costing<'a> {
    fn field(&self, type_name: Option<&str>, name: &str) -> Option<&'a MetaField> {
        self.registry
            .types
            .get(type_name?)
            .and_then(|meta| meta.field_by_name(name))
    }

    fn weight(type_name: Option<&str>, name: &str) -> u64 {
        let Some(type_name) = type_name else {
            return 1;
        };
        WEIGHTS
            .iter()
            .find(|(field, _)| {
                field
                    .split_once('.')
                    .is_some_and(|(on, field)| on == type_name && field == name)
            })
            .map_or(1, |(_, weight)| *weight)
    }

    fn checks_password(type_name: Option<&str>, field: &MetaField) -> bool {
        let qualified = type_name.map(|on| format!("{on}.{}", field.name));
        qualified
            .as_deref()
            .is_some_and(|qualified| PASSWORD_FIELDS.contains(&qualified))
            || field
                .args
                .values()
                .any(|arg| MetaTypeName::concrete_typename(&arg.ty) == SIGNATURE_INPUT)
    }

    /// The page a field's `first` argument asks for, or 1 when it has none.
    fn page(&self, field: &Field) -> u64 {
        let Some((_, value)) = field
            .arguments
            .iter()
            .find(|(name, _)| name.node == "first")
        else {
            return 1;
        };
        let value = value
            .node
            .clone()
            .into_const_with(|name| self.variables.get(&name).cloned().ok_or(()));
        match value {
            Ok(Value::Number(number)) => {
                number.as_u64().map_or(1, |first| first.clamp(1, MAX_PAGE))
            }
            _ => DEFAULT_PAGE,
        }
    }

    fn selection_set(
        &self,
        type_name: Option<&str>,
        set: &SelectionSet,
        depth: usize,
    ) -> Result<Cost, CostError> {
        if depth > MAX_NESTING {
            return Err(CostError::TooDeep);
        }
        set.items
            .iter()
            .try_fold(Cost::default(), |total, selection| match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    let meta = self.field(type_name, name);
                    let child_type = meta.map(|meta| MetaTypeName::concrete_typename(&meta.ty));
                    let own = Cost {
                        units: Self::weight(type_name, name),
                        password_checks: u64::from(
                            meta.is_some_and(|meta| Self::checks_password(type_name, meta)),
                        ),
                    };
                    let children = self
                        .selection_set(child_type, &field.selection_set.node, depth + 1)?
                        .times(self.page(field));
                    Ok(total.add(own).add(children))
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    // An unknown fragment is validation's to refuse; it costs its spread.
                    let fragment = self.fragments.get(name).copied().unwrap_or(Cost {
                        units: 1,
                        password_checks: 0,
                    });
                    Ok(total.add(fragment))
                }
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    let on = inline
                        .type_condition
                        .as_ref()
                        .map(|condition| condition.node.on.node.as_str())
                        .or(type_name);
                    Ok(total.add(self.selection_set(on, &inline.selection_set.node, depth + 1)?))
                }
            })
    }

    /// Costs every fragment, each once, dependencies first.
    fn cost_fragments(
        &mut self,
        fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    ) -> Result<(), CostError> {
        for name in dependency_order(fragments)? {
            let fragment = &fragments[name].node;
            let on = fragment.type_condition.node.on.node.as_str();
            let cost = self.selection_set(Some(on), &fragment.selection_set.node, 0)?;
            self.fragments.insert(name.as_str(), cost);
        }
        Ok(())
    }
}

/// The fragments in an order where every fragment comes after the fragments it spreads.
///
/// Iterative (a document may chain thousands of fragments, deeper than a stack should
/// recurse); a fragment that reaches itself is refused here rather than left to validation,
/// whose cycle check would come after the expansion this module exists to avoid.
fn dependency_order(
    fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
) -> Result<Vec<&Name>, CostError> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: HashMap<&str, Mark> = HashMap::with_capacity(fragments.len());
    let mut order = Vec::with_capacity(fragments.len());
    for start in fragments.keys() {
        if marks.contains_key(start.as_str()) {
            continue;
        }
        // Each frame: a fragment and the spreads of it still to visit.
        let mut stack: Vec<(&Name, Vec<&Name>)> = vec![(start, spreads(fragments, start))];
        marks.insert(start.as_str(), Mark::Open);
        while let Some((name, pending)) = stack.last_mut() {
            match pending.pop() {
                Some(next) => match marks.get(next.as_str()) {
                    Some(Mark::Done) => {}
                    Some(Mark::Open) => return Err(CostError::FragmentCycle(next.to_string())),
                    None => {
                        marks.insert(next.as_str(), Mark::Open);
                        let next_spreads = spreads(fragments, next);
                        stack.push((next, next_spreads));
                    }
                },
                None => {
                    let name = *name;
                    marks.insert(name.as_str(), Mark::Done);
                    order.push(name);
                    stack.pop();
                }
            }
        }
    }
    Ok(order)
}

/// The defined fragments that fragment `name` spreads, at any depth of its own selection.
fn spreads<'a>(
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    name: &Name,
) -> Vec<&'a Name> {
    let mut found = Vec::new();
    let mut sets = vec![&fragments[name].node.selection_set.node];
    while let Some(set) = sets.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => sets.push(&field.node.selection_set.node),
                Selection::InlineFragment(inline) => sets.push(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    if let Some((defined, _)) =
                        fragments.get_key_value(spread.node.fragment_name.node.as_str())
                    {
                        found.push(defined);
                    }
                }
            }
        }
    }
    found
}

/// The cost of every operation of `document` together: async-graphql validates all of them,
/// whichever one is then executed.
fn document_cost(
    registry: &Registry,
    variables: &Variables,
    document: &ExecutableDocument,
) -> Result<(), CostError> {
    let mut costing = Costing {
        registry,
        variables,
        fragments: HashMap::new(),
    };
    costing.cost_fragments(&document.fragments)?;
    let mut total = Cost::default();
    for (_, operation) in document.operations.iter() {
        let root = match operation.node.ty {
            OperationType::Query => Some(registry.query_type.as_str()),
            OperationType::Mutation => registry.mutation_type.as_deref(),
            OperationType::Subscription => registry.subscription_type.as_deref(),
        };
        total = total.add(costing.selection_set(root, &operation.node.selection_set.node, 0)?);
    }
    if total.units > MAX_COST {
        return Err(CostError::TooCostly(total.units));
    }
    if total.password_checks > MAX_PASSWORD_CHECKS {
        return Err(CostError::TooManyPasswordChecks(total.password_checks));
    }
    Ok(())
}

/// The extension that costs each document as soon as it is parsed.
pub struct CostLimit;

impl ExtensionFactory for CostLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostLimitExtension)
    }
}

struct CostLimitExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for CostLimitExtension {
    /// Costs the document before async-graphql's own parse-time checks, whose recursion-depth
    /// check already walks every spread expanded; the parsed document is kept for execution.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let document = async_graphql::parser::parse_query(&request.query)?;
        document_cost(&ctx.schema_env.registry, &request.variables, &document).map_err(refusal)?;
        request.set_parsed_query(document);
        next.run(ctx, request).await
    }
}

fn refusal(error: CostError) -> ServerError {
    let error: async_graphql::Error =
        ApiError::validation(error.reason(), error.to_string()).into();
    error.into_server_error(async_graphql::Pos::default())
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

    use super::*;

    /// Every `Type.field` of the schema.
    fn schema_fields() -> Vec<String> {
        let schema = async_graphql::parser::parse_schema(crate::sdl()).expect("the SDL parses");
        let mut fields = Vec::new();
        for definition in schema.definitions {
            if let TypeSystemDefinition::Type(definition) = definition
                && let TypeKind::Object(object) = &definition.node.kind
            {
                for field in &object.fields {
                    fields.push(format!(
                        "{}.{}",
                        definition.node.name.node, field.node.name.node
                    ));
                }
            }
        }
        fields
    }

    #[test]
    fn every_weighted_or_password_field_exists() {
        let fields = schema_fields();
        for name in WEIGHTS
            .iter()
            .map(|(name, _)| *name)
            .chain(PASSWORD_FIELDS.iter().copied())
        {
            assert!(
                fields.iter().any(|field| field == name),
                "{name} is not in the schema"
            );
        }
    }

    /// The reason the cost limit refuses `document` with, if it does. The schema has no
    /// context data, so a document that passes fails later, in its resolvers, for that reason.
    async fn refusal(document: &str, variables: serde_json::Value) -> Option<String> {
        let request = Request::new(document).variables(Variables::from_json(variables));
        let response = crate::builder().finish().execute(request).await;
        let reasons = response
            .errors
            .first()?
            .extensions
            .as_ref()?
            .get("reasons")?;
        let Value::List(reasons) = reasons else {
            return None;
        };
        let Some(Value::Object(first)) = reasons.first() else {
            return None;
        };
        match first.get("code") {
            Some(Value::String(code)) => Some(code.clone()),
            _ => None,
        }
    }

    #[tokio::test]
    async fn pages_multiply_and_variables_are_read() {
        let page = |n: u64| {
            format!("{{ ledgerEntries(first: {n}) {{ edges {{ node {{ seq hash action }} }} }} }}")
        };
        assert_eq!(refusal(&page(10), serde_json::json!({})).await, None);
        // 500 × (edges + node + three fields) = 2,500: under the limit.
        assert_eq!(refusal(&page(500), serde_json::json!({})).await, None);
        let nested = format!(
            "{{ ledgerEntries(first: 500) {{ edges {{ node {{ {} }} }} }} }}",
            (0..100)
                .map(|i| format!("s{i}: seq"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert_eq!(
            refusal(&nested, serde_json::json!({})).await.as_deref(),
            Some("TOO_COSTLY")
        );
        let by_variable = format!(
            "query($n: Int) {{ ledgerEntries(first: $n) {{ edges {{ node {{ {} }} }} }} }}",
            (0..100)
                .map(|i| format!("s{i}: seq"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert_eq!(
            refusal(&by_variable, serde_json::json!({ "n": 10 })).await,
            None
        );
        assert_eq!(
            refusal(&by_variable, serde_json::json!({ "n": 500 }))
                .await
                .as_deref(),
            Some("TOO_COSTLY")
        );
    }

    #[tokio::test]
    async fn signatures_are_found_by_their_input_type() {
        let two = r#"mutation {
            a: releaseLot(lotId: "0190d4c0-0000-7000-8000-000000000000", signature: { password: "x", meaning: APPROVAL }) { id }
            b: rejectLot(lotId: "0190d4c0-0000-7000-8000-000000000000", reason: "r", signature: { password: "x", meaning: APPROVAL }) { id }
        }"#;
        assert_eq!(
            refusal(two, serde_json::json!({})).await.as_deref(),
            Some("ONE_PASSWORD_CHECK_PER_REQUEST")
        );
    }
}
