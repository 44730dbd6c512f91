//! `schema.graphql` at the top of the repository is the schema the code builds.

use std::path::PathBuf;

#[test]
fn schema_graphql_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let built = format!("{}\n", cordtrace_api::sdl().trim_end());
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &built).expect("schema.graphql is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == built,
        "schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test -p cordtrace-tests --test schema`"
    );
}
