//! `/products`: the installation's product description codes (the `S1234` part of an ISBT 128
//! product code, with the text a label and a person read), and, for the administrator, the form
//! that defines one. The code grammar and who may define are the API's.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::form::{Fields, Refused};
use super::{Layout, Shell, Shown, error_page, posted_shell, render, shell, status_for};
use crate::{Shared, Web, client, csrf, documents};

#[derive(Template)]
#[template(path = "products.html")]
struct ProductsPage {
    layout: Layout,
    csrf: String,
    may_define: bool,
    products: Vec<ProductShown>,
    /// The next page's link, when there is one.
    next: Option<String>,
    /// The code just defined.
    defined: Option<String>,
    refused: Option<Refused>,
}

impl ProductsPage {
    /// What was typed into `name` before a refusal.
    fn value<'a>(&'a self, name: &str) -> &'a str {
        self.refused
            .as_ref()
            .and_then(|refused| refused.value("define", name))
            .unwrap_or("")
    }
}

struct ProductShown {
    code: String,
    description: String,
    defined_at: String,
}

#[derive(Deserialize)]
struct ProductsData {
    products: ProductPage,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProductPage {
    page_info: PageInfo,
    nodes: Vec<Product>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Product {
    code: String,
    description: String,
    defined_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Defined {
    define_product: DefinedCode,
}

#[derive(Deserialize)]
struct DefinedCode {
    code: String,
}

/// `?after=&defined=`.
#[derive(Deserialize)]
pub(crate) struct ListQuery {
    after: Option<String>,
    defined: Option<String>,
}

/// `GET /products`.
pub(crate) async fn list(
    State(web): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    page(&web, &shell, query.after, query.defined, None).await
}

/// `POST /products`: `defineProduct`.
pub(crate) async fn define(
    State(web): State<Shared>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let answer: Result<Defined, _> = client::run(
        &web,
        &shell.visitor.viewer,
        documents::DEFINE_PRODUCT,
        json!({ "code": fields.text("code"), "description": fields.text("description") }),
        None,
    )
    .await;
    match answer {
        Ok(defined) => {
            let query = serde_urlencoded::to_string([("defined", defined.define_product.code)])
                .unwrap_or_default();
            Redirect::to(&format!("/products?{query}")).into_response()
        }
        Err(failures) => match failures.first() {
            Some(failure) => {
                let refused = Refused {
                    form: "define",
                    fields,
                    shown: Shown::from(failure),
                    field: None,
                };
                page(&web, &shell, None, None, Some(refused)).await
            }
            None => super::internal_error(),
        },
    }
}

async fn page(
    web: &Web,
    shell: &Shell,
    after: Option<String>,
    defined: Option<String>,
    refused: Option<Refused>,
) -> Response {
    let data: ProductsData = match client::run(
        web,
        &shell.visitor.viewer,
        documents::PRODUCTS,
        json!({ "after": after }),
        None,
    )
    .await
    {
        Ok(data) => data,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    let ProductPage { page_info, nodes } = data.products;
    render(
        status,
        &ProductsPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            may_define: shell.has_role("ADMIN"),
            products: nodes
                .into_iter()
                .map(|product| ProductShown {
                    defined_at: shell.time.show(&product.defined_at),
                    code: product.code,
                    description: product.description,
                })
                .collect(),
            next: page_info
                .end_cursor
                .filter(|_| page_info.has_next_page)
                .map(|cursor| {
                    let query =
                        serde_urlencoded::to_string([("after", cursor)]).unwrap_or_default();
                    format!("/products?{query}")
                }),
            defined,
            refused,
        },
    )
}
