//! Lists a page reads whole: every page of a connection, one request a page, following
//! `pageInfo.endCursor` until the API says there is no next page.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Shell;
use crate::Web;
use crate::client::{self, Failures};

/// Where a page of a connection ends.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageInfo {
    pub(crate) has_next_page: bool,
    pub(crate) end_cursor: Option<String>,
}

/// One page of a connection, as a document selects it (`pageInfo { hasNextPage endCursor }`
/// and `nodes`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Connection<N> {
    pub(crate) page_info: PageInfo,
    pub(crate) nodes: Vec<N>,
}

/// Every node of the connection that `document` (with `variables` and `$after`) answers,
/// taken out of each answer by `connection`.
pub(crate) async fn every_page<D, N>(
    web: &Web,
    shell: &Shell,
    document: &str,
    mut variables: Value,
    connection: impl Fn(D) -> Connection<N>,
) -> Result<Vec<N>, Failures>
where
    D: DeserializeOwned,
{
    let mut nodes = Vec::new();
    loop {
        let answer: D = client::run(
            web,
            &shell.visitor.viewer,
            document,
            variables.clone(),
            None,
        )
        .await?;
        let page = connection(answer);
        nodes.extend(page.nodes);
        match page.page_info {
            PageInfo {
                has_next_page: true,
                end_cursor: Some(cursor),
            } => variables["after"] = Value::String(cursor),
            _ => return Ok(nodes),
        }
    }
}
